# Third-party packages. All come from Debian 12 (launch/setup.sh installs them) or, on the GPU
# machine, from its system packages plus the pip LibTorch.

find_package(Torch REQUIRED)
# LibTorch's own flags carry the _GLIBCXX_USE_CXX11_ABI setting it was built with; every target
# that includes LibTorch headers must use the same value or std::string symbols mismatch.
separate_arguments(LACOS_TORCH_CXX_FLAGS UNIX_COMMAND "${TORCH_CXX_FLAGS}")

find_package(MPI REQUIRED COMPONENTS CXX)
find_package(yaml-cpp REQUIRED)
find_package(nlohmann_json 3.9 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(fmt REQUIRED)
find_package(HDF5 REQUIRED COMPONENTS C CXX)
find_package(Threads REQUIRED)

# NCCL: optional. AUTO turns it on only where both nccl.h and the CUDA runtime are present.
set(LACOS_NCCL_ENABLED OFF)
if(NOT LACOS_WITH_NCCL STREQUAL "OFF")
  find_package(CUDAToolkit QUIET)
  find_path(NCCL_INCLUDE_DIR nccl.h HINTS ${CUDAToolkit_INCLUDE_DIRS} /usr/local/cuda/include)
  find_library(NCCL_LIBRARY nccl HINTS ${CUDAToolkit_LIBRARY_DIR} /usr/local/cuda/lib64)
  if(CUDAToolkit_FOUND AND NCCL_INCLUDE_DIR AND NCCL_LIBRARY)
    set(LACOS_NCCL_ENABLED ON)
  elseif(LACOS_WITH_NCCL STREQUAL "ON")
    message(FATAL_ERROR "LACOS_WITH_NCCL=ON but nccl.h/libnccl or the CUDA runtime was not found "
                        "(looked in ${CUDAToolkit_INCLUDE_DIRS} and /usr/local/cuda)")
  endif()
endif()
