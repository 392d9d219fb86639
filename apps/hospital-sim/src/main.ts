import 'reflect-metadata';
import { runService } from '@bridge/config';
import { startHospitalSim } from './hospital-sim';
import { simOptionsFromEnv } from './sim-env';
import { SIM_FAULTS } from './sim-faults';

runService('hospital-sim', async () => {
  const sim = await startHospitalSim(simOptionsFromEnv());
  const lines = [
    'hospital-sim: a simulated hospital (AZ Demo), see apps/hospital-sim/README.md',
    `  MLLP (QRY^A19, QBP^Q22)  ${sim.mllp.host}:${sim.mllp.port}`,
    `  pdq web service          ${sim.http.baseUrl}/pdq/Patient`,
    `  FHIR R4                  ${sim.http.baseUrl}/fhir/Patient`,
    `  refused port             127.0.0.1:${sim.refusedPort}`,
    `  fault ids                ${Object.values(SIM_FAULTS).join(' ')}`,
  ];
  if (sim.sftp) {
    lines.push(
      `  SFTP (SIU drop box)      ${sim.sftp.host}:${sim.sftp.port}  user ${sim.sftp.username}  password ${sim.sftp.password}`,
      `    host key               ${sim.sftp.hostKeySha256}  (hostKeySha256)`,
      `    root /                 ${sim.sftp.root}`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  const stop = (): void => {
    void sim.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
});
