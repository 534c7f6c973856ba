import type { TypeDef } from '../model.ts';

export const coreDefinitions: TypeDef[] = [];
