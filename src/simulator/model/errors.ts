// An Atlas API error raised by the model or the HTTP layer; rendered as Atlas's error body.
const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  410: 'Gone',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

export interface FieldViolation {
  field: string;
  description: string;
}

export class SimError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    readonly detail: string,
    readonly parameters: unknown[] = [],
    readonly fields?: FieldViolation[],
  ) {
    super(`${status} ${errorCode}: ${detail}`);
  }

  body(): Record<string, unknown> {
    return {
      error: this.status,
      errorCode: this.errorCode,
      detail: this.detail,
      reason: REASONS[this.status] ?? 'Error',
      parameters: this.parameters,
      ...(this.fields ? { badRequestDetail: { fields: this.fields } } : {}),
    };
  }
}

export const reasonFor = (status: number): string => REASONS[status] ?? 'Error';

export function validationError(field: string, rule: string): SimError {
  return new SimError(
    400,
    'VALIDATION_ERROR',
    `Invalid attribute ${field}: ${rule}`,
    [field],
    [{ field, description: rule }],
  );
}
