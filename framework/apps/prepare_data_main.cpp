#include "apps/app_main.h"
#include "apps/prepare_data_command.h"

int main(int argc, char** argv) {
  return lacos::run_main("lacos-prepare-data", [&] { return lacos::run_prepare_data_command(argc, argv); });
}
