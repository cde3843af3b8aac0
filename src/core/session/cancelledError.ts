import { LabelwiseError } from '../errors';
import { CANCELLED_CODE } from './workerProtocol';

/** Long work (encoding, retraining) stopped because the user cancelled it. */
export class CancelledError extends LabelwiseError {
  constructor(message = 'cancelled') {
    super(message, CANCELLED_CODE);
  }
  static override is(e: unknown): e is CancelledError {
    return e instanceof LabelwiseError && e.code === CANCELLED_CODE;
  }
}
