import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../status.ts';
import { includeObjectPolicy, parseTableAccept, tableVersionFromAccept } from './accept.ts';

describe('parseTableAccept', () => {
  it('accepts the header kubectl get sends', () => {
    assert.equal(parseTableAccept('application/json;as=Table;v=v1;g=meta.k8s.io,application/json'), true);
    assert.equal(tableVersionFromAccept('application/json;as=Table;v=v1;g=meta.k8s.io,application/json'), 'v1');
  });
  it('accepts the older kubectl header listing v1 and v1beta1 Tables', () => {
    const accept = 'application/json;as=Table;v=v1beta1;g=meta.k8s.io, application/json';
    assert.equal(tableVersionFromAccept(accept), 'v1beta1');
  });
  it('ignores spaces around parameters and their order', () => {
    assert.equal(parseTableAccept('application/json; g=meta.k8s.io; v=v1; as=Table'), true);
  });
  it('rejects plain JSON, a missing header, and plain JSON listed before a Table', () => {
    assert.equal(parseTableAccept('application/json'), false);
    assert.equal(parseTableAccept(undefined), false);
    assert.equal(parseTableAccept(''), false);
    assert.equal(parseTableAccept('application/json, application/json;as=Table;v=v1;g=meta.k8s.io'), false);
  });
  it('skips a Table in an unknown version or group and falls back to the next range', () => {
    assert.equal(parseTableAccept('application/json;as=Table;v=v2;g=meta.k8s.io,application/json'), false);
    assert.equal(parseTableAccept('application/json;as=Table;v=v1;g=example.com'), false);
    assert.equal(parseTableAccept('application/json;as=Table;v=v2;g=meta.k8s.io,application/json;as=Table;v=v1;g=meta.k8s.io'), true);
  });
  it('does not treat a PartialObjectMetadata request as a Table', () => {
    assert.equal(parseTableAccept('application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,application/json'), false);
  });
  it('skips a protobuf Table range in favour of a JSON one', () => {
    const accept = 'application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1;g=meta.k8s.io';
    assert.equal(parseTableAccept(accept), true);
  });
});

describe('includeObjectPolicy', () => {
  it('defaults to Metadata', () => {
    assert.equal(includeObjectPolicy(undefined), 'Metadata');
    assert.equal(includeObjectPolicy(''), 'Metadata');
  });
  it('reads the parameter value or a whole query string', () => {
    assert.equal(includeObjectPolicy('Object'), 'Object');
    assert.equal(includeObjectPolicy('None'), 'None');
    assert.equal(includeObjectPolicy('limit=500&includeObject=Object'), 'Object');
    assert.equal(includeObjectPolicy('?limit=500'), 'Metadata');
  });
  it('rejects an unknown value with a 422', () => {
    assert.throws(
      () => includeObjectPolicy('Everything'),
      (error: unknown) => error instanceof ApiError && error.code === 422 && error.message.includes('includeObject'),
    );
  });
});
