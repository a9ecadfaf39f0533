#!/usr/bin/env node
// The emulator's CLI: runs the TypeScript sources through tsx (a development tool; there is no build).
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
