// ruleid: eslint-disable-comment
/* eslint-disable */
// ruleid: eslint-disable-comment
// eslint-disable-next-line security/detect-eval-with-expression
eval(code);
// ruleid: eslint-disable-comment
const x = obj[key]; // eslint-disable-line security/detect-object-injection
// ok: eslint-disable-comment
const eslintDisabled = config.lint === false;
// ruleid: type-check-suppression-comment
// @ts-ignore
const y = maybe.value;
// ok: type-check-suppression-comment
// @ts-check
