import type { TypeDef } from '../model.ts';

export const appsDefinitions: TypeDef[] = [];
