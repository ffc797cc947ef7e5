#include "apps/app_main.h"
#include "apps/embed_command.h"

int main(int argc, char** argv) {
  return lacos::run_main("lacos-embed", [&] { return lacos::run_embed_command(argc, argv); });
}
