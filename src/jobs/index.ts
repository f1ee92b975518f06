/** Jobs: what to program (chip, pinned images, operations, layout, serials), stored and versioned in the database. */
export { createJob, type CreateJobResult, type CreateOutcome } from './create.js';
export { getJob, findJob, listJobs, type ListJobsOptions } from './store.js';
export { programTarget, programSteps, extCsdWrites, serialRule, type ProgramStep } from './target.js';
export { parseSerialSpec, formatSerial, serialNumberAt, serialLength, serialWrite, serialSpecText, checkSerialPlacement, type SerialRule, type SerialPlacement } from './serial.js';
export { parseOps, specJson, OPS, DEFAULT_OPS, type Op, type Job, type JobSpec, type JobNand, type JobEmmc, type JobSerial } from './spec.js';
export { pinImage, checkPinnedImage, type ImagePin } from './image-pin.js';
export { checkJobImages, jobImages } from './check-images.js';
export { buildJobSpec, readNandScheme, type JobImages } from './build-spec.js';
export type { CreateJobOptions } from './options.js';
