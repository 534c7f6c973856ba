import type { TypeDef } from '../model.ts';

export const batchDefinitions: TypeDef[] = [];
