/**
 * Failures keep their message and stack trace in their encoded attributes, which the payload codec
 * encrypts: an error text quoting a serial, an enterprise or a server's answer is not stored in
 * clear. The SDK loads this module by path (`failureConverterPath`) in the worker, the clients and
 * the workflow bundle, so it may import nothing but @temporalio/common.
 */
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
