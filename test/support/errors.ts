import { ExternalCallError } from '../../clients/errors';

/** The ExternalCallError a client call fails with; fails the test if the call succeeds or throws anything else. */
export async function failure(promise: Promise<unknown>): Promise<ExternalCallError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ExternalCallError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}
