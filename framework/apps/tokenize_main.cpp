#include "apps/app_main.h"
#include "apps/tokenize_command.h"

int main(int argc, char** argv) {
  return lacos::run_main("lacos-tokenize", [&] { return lacos::run_tokenize_command(argc, argv); });
}
