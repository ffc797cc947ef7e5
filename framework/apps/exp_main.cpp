#include "apps/app_main.h"
#include "apps/exp_command.h"

int main(int argc, char** argv) {
  return lacos::run_main("lacos-exp", [&] { return lacos::run_exp_command(argc, argv); });
}
