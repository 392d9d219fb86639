/**
 * P3's baseline query (bench/import.ts): QRY^A19 for one patient, sent straight over MLLP to the hospital
 * simulator; with `keepOpenMs`, on kept connections as the platform's HL7 connection then keeps them. The floor
 * (import-floor-service.ts) sends its queries the same way, so floor and baseline differ only in what the
 * floor writes around the exchange.
 */
import { MllpKeptConnections, buildQuery, sendMllp, type Hl7QueryTemplate } from '@bridge/hl7';
import { SIM_IDS } from '../../apps/hospital-sim/src/dataset';

export interface DirectLookupOptions {
  host: string;
  port: number;
  template: Hl7QueryTemplate;
  /** 0: a connection per query. */
  keepOpenMs: number;
}

export class DirectLookups {
  private sequence = 0;
  private readonly kept = new MllpKeptConnections();

  constructor(
    private readonly options: DirectLookupOptions,
    /** Tells this process's control ids from another's, which queries the same simulator. */
    private readonly prefix = 'B',
  ) {}

  /** The next query, with a control id of its own. */
  query(): { text: string; controlId: string } {
    const controlId = `${this.prefix}${++this.sequence}`;
    const text = buildQuery(this.options.template, {
      by: 'patientCode',
      value: SIM_IDS.francoise,
      controlId,
      at: new Date(),
    });
    return { text, controlId };
  }

  /** Sends `text` and answers the simulator's reply. */
  send(text: string): Promise<Buffer> {
    const { host, port, keepOpenMs } = this.options;
    const send = { host, port, timeoutMs: 5000 };
    if (!keepOpenMs) return sendMllp(text, send);
    const peer = { peer: 'sim', version: '1', send, keepOpenMs };
    return this.kept.exchange(peer, text, (reply) => ({ value: reply, answered: true }));
  }

  close(): Promise<void> {
    return this.kept.close();
  }
}
