/**
 * The Status errors a PATCH request can end in, shaped as the Kubernetes API server
 * shapes them so clients (kubectl above all) react the same way.
 */
import { ApiError, badRequest, invalid } from '../status.ts';

/**
 * 422 Invalid with the fixed wording Kubernetes uses when a well-formed patch cannot be
 * applied (a failed `test`, a missing path, a list of lists): the server reports no
 * detail to the client, so neither do we; `cause` keeps it for logs.
 */
export function patchNotApplicable(detail: string): ApiError {
  const error = new ApiError(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
  error.cause = detail;
  return error;
}

/** 400 BadRequest for a patch document that is malformed. */
export function malformedPatch(message: string): ApiError {
  return badRequest(message);
}

/** 422 Invalid for a patch whose result is not a JSON object, like a failed decode upstream. */
export function resultNotAnObject(result: string): ApiError {
  return invalid('', '', '', [
    { reason: 'FieldValueInvalid', field: 'patch', message: `Invalid value: ${JSON.stringify(result)}: the patched document must be a JSON object` },
  ]);
}

/** 413 for a JSON patch with more operations than the server accepts. */
export function tooManyOperations(limit: number, count: number): ApiError {
  return new ApiError(
    413,
    'RequestEntityTooLarge',
    `Request entity too large: The allowed maximum operations in a JSON patch is ${limit}, got ${count}`,
  );
}

/** 415 for a Content-Type that names no patch format the server knows. */
export function unsupportedPatchType(accepted: readonly string[]): ApiError {
  return new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
  );
}
