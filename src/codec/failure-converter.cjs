// Loaded by path (DataConverter.failureConverterPath): by the worker and clients through require(),
// and bundled into the workflow sandbox. CommonJS and plain JavaScript because require() reaches it
// outside tsx's ESM hooks. encodeCommonAttributes moves each failure's message and stack trace into
// a payload, so the codec encrypts them: activity failures name clusters, projects and job ids.
/* global require, exports */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { DefaultFailureConverter } = require('@temporalio/common');

exports.failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
