// Process start-up for the LibTorch tools: OpenMP's wait policy.
#include "ml/openmp_env.h"

#include <unistd.h>

#include <cstdlib>

namespace cad::ml {

void use_passive_openmp_wait(char** argv) {
  if (std::getenv("OMP_WAIT_POLICY") != nullptr) return;
  if (setenv("OMP_WAIT_POLICY", "PASSIVE", 1) != 0) return;
  execv("/proc/self/exe", argv);  // returns only on failure: carry on as we are
}

}  // namespace cad::ml
