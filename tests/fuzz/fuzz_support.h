// What every libFuzzer target of lacos shares (tests/fuzz, docs/fuzzing.md).
//
// The rule a target enforces: outside input may make lacos refuse with a lacos::Error (the one
// kind of error executables print as "<program>: error: ..."), never crash, hang, leak, allocate
// what the input claims, or throw anything else (which main would report as an internal error).
// Sanitizers catch the first ones; `run_parser` turns the last into a crash libFuzzer records.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

namespace lacos::fuzz {

// The input as text.
std::string text_of(const std::uint8_t* data, std::size_t size);

// Writes `bytes` as the file `name` inside this process's scratch folder (on /dev/shm when it
// exists, so writes cost no disk) and returns its path. Parsers that dispatch on the file name
// (".jsonl", ".csv", "STS.input.x.txt") see the name they expect.
std::filesystem::path write_input(const std::string& name, const std::string& bytes);

// This process's scratch folder (created on first use, removed at exit).
const std::filesystem::path& scratch_folder();

// Runs `parse`: a lacos::Error is the expected answer to bad input and is swallowed; any other
// exception is printed and aborts, so libFuzzer keeps the input as a finding.
void run_parser(const std::function<void()>& parse);

}  // namespace lacos::fuzz
