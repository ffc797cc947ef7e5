# The fuzz targets (tests/fuzz/fuzz_<name>.cpp), shared by tests/fuzz/CMakeLists.txt, which
# builds them with clang, and tests/CMakeLists.txt, which runs their corpora under ctest.
set(LACOS_FUZZ_TARGETS
  safetensors
  bloom_config
  adapter_config
  tokenizer_json
  tokenize_text
  experiment
  overrides
  nli_file
  sts_file
  gzip
  tar
  run_h5
  checkpoint_h5
)
