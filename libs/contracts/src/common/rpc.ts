/** One request/response pair of the bus. */
export type Rpc<Request, Response> = { request: Request; response: Response };
export type PayloadClass<T> = new () => T;

/** The receiver-side validation classes of a context's RPC map: one per pattern, checked by the compiler. */
export type RequestClasses<Map extends { [P in keyof Map]: Rpc<unknown, unknown> }> = {
  [P in keyof Map]: PayloadClass<Map[P]['request']>;
};
