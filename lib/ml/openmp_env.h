// Process start-up for the LibTorch tools: OpenMP's wait policy.
#pragma once

namespace cad::ml {

/// Re-executes the running program with OMP_WAIT_POLICY=PASSIVE unless the variable is already
/// set (a user's choice stands). LibTorch's intra-op threads (libgomp) otherwise spin between
/// parallel regions while OpenBLAS's own threads run the matrix products, and the two pools
/// fight over the cores: on 2 cores a cad-sft step took 2.2x as long (bench/RESULTS.md). libgomp
/// reads the variable when it is loaded, before main, hence the exec. Call it first in main,
/// before reading any input; the process id, arguments, open files and the rest of the
/// environment are kept. When the exec fails the program simply continues.
void use_passive_openmp_wait(char** argv);

}  // namespace cad::ml
