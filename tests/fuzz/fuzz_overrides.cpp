// Command-line overrides and sweep values (config/config_override.h): one override per line,
// each parsed, split into its sweep choices (a,b / range(...)) and read as a YAML value.
#include "config/config_override.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text = lacos::fuzz::text_of(data, size);
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    const std::string line = text.substr(start, end - start);
    lacos::fuzz::run_parser([&] {
      const lacos::ConfigOverride parsed = lacos::parse_override(line);
      for (const std::string& choice : lacos::sweep_choices(parsed.value, parsed.text)) (void)choice.size();
      if (parsed.has_value) (void)lacos::override_value(parsed);
    });
    start = end + 1;
  }
  return 0;
}
