import type { TypeDef } from '../model.ts';

export const miscDefinitions: TypeDef[] = [];
