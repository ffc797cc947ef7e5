#include "apps/app_main.h"
#include "apps/eval_command.h"

int main(int argc, char** argv) {
  return lacos::run_main("lacos-eval", [&] { return lacos::run_eval_command(argc, argv); });
}
