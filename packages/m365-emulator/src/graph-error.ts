/**
 * Graph's error shape: `{"error":{"code","message","innerError":{date,request-id,client-request-id}}}`.
 * Route handlers throw GraphError; the server turns it into that body.
 */
export class GraphError extends Error {
  override readonly name = 'GraphError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string, code = 'BadRequest') => new GraphError(400, code, message);

export const notFound = (message: string, code = 'ErrorItemNotFound') => new GraphError(404, code, message);

export const itemNotFound = () =>
  notFound('The specified object was not found in the store.', 'ErrorItemNotFound');

export function graphErrorBody(
  error: { code: string; message: string },
  requestId: string,
  clientRequestId: string | undefined,
  now: Date,
) {
  return {
    error: {
      code: error.code,
      message: error.message,
      innerError: {
        date: now.toISOString().replace(/\.\d{3}Z$/, ''),
        'request-id': requestId,
        'client-request-id': clientRequestId ?? requestId,
      },
    },
  };
}
