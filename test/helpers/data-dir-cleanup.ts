// A vitest setup file (vitest.config.mts): setup files run again before each test file, so each
// file's CLI data folder (data-dir.ts) is removed when that file is done, also where several files
// share one module graph.
import { afterAll } from 'vitest'
import { dropTestDataDir } from './data-dir'

afterAll(dropTestDataDir)
