#include "apps/app_main.h"
#include "apps/train_command.h"

int main(int argc, char** argv) {
  return lacos::run_main("lacos-train", [&] { return lacos::run_train_command(argc, argv); });
}
