/**
 * The small named error hierarchy of the core. Every error that reaches a user names the file,
 * line or setting at fault; callers tell them apart with the static `is()` guards.
 */
export class LabelwiseError extends Error {
  constructor(message: string, readonly code: string = 'labelwise') {
    super(message);
    this.name = new.target.name;
  }
  static is(e: unknown): e is LabelwiseError {
    return e instanceof LabelwiseError;
  }
}

/** Bad user input: a file, a line of a file, or a setting. */
export class InputError extends LabelwiseError {
  constructor(message: string, readonly file?: string, readonly line?: number) {
    super(message, 'input');
  }
  static override is(e: unknown): e is InputError {
    return e instanceof InputError;
  }
}

/** A setting or flag holds a value that is not allowed. */
export class SettingError extends LabelwiseError {
  constructor(readonly setting: string, message: string) {
    super(message, 'setting');
  }
  static override is(e: unknown): e is SettingError {
    return e instanceof SettingError;
  }
}

/** A model folder or file is missing or corrupt, or the requested device cannot run it. */
export class ModelError extends LabelwiseError {
  constructor(message: string) {
    super(message, 'model');
  }
  static override is(e: unknown): e is ModelError {
    return e instanceof ModelError;
  }
}

/** Asked for a prediction or a query before the learner was trained. */
export class NotTrainedError extends LabelwiseError {
  constructor(message = 'the model has not been trained yet') {
    super(message, 'not-trained');
  }
  static override is(e: unknown): e is NotTrainedError {
    return e instanceof NotTrainedError;
  }
}
