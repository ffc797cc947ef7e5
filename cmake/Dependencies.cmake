# Third-party packages. All come from Debian 12 (launch/setup.sh installs them) or, on the GPU
# machine, from its system packages plus the pip LibTorch.

find_package(Torch REQUIRED)
# LibTorch 2.12 and later require C++20 of every translation unit that includes ATen.
if(Torch_VERSION VERSION_GREATER_EQUAL 2.12)
  set(CMAKE_CXX_STANDARD 20)
endif()
# LibTorch's own flags carry the _GLIBCXX_USE_CXX11_ABI setting it was built with; every target
# that includes LibTorch headers must use the same value or std::string symbols mismatch.
separate_arguments(LACOS_TORCH_CXX_FLAGS UNIX_COMMAND "${TORCH_CXX_FLAGS}")
# A LibTorch built with CUDA (the GPU machine's pip wheel) links c10_cuda: lacos then reads the
# CUDA caching allocator's statistics (core/device_memory.h).
if(TORCH_CUDA_LIBRARIES OR TARGET c10_cuda)
  set(LACOS_TORCH_CUDA ON)
else()
  set(LACOS_TORCH_CUDA OFF)
endif()

# Debian's LibTorch finds BLAS as libblas.so.3. OpenBLAS comes built on pthreads
# (libopenblas0-pthread) and on OpenMP (libopenblas0-openmp). LibTorch's own kernels run on an
# OpenMP pool whose idle threads spin while a pthread-OpenBLAS GEMM runs its own threads, so the
# two pools fight over the cores: a float32 bloom-560m forward on 2 cores measured 194 tokens/s
# with the pthread build and 357 with the OpenMP build (one shared pool). lacos executables
# therefore look for libblas.so.3 in the OpenMP build's folder first when it is installed
# (DT_RPATH, which also applies to libtorch_cpu's own dependencies).
option(LACOS_PREFER_OPENMP_OPENBLAS "Load Debian's OpenMP build of OpenBLAS when installed" ON)
set(LACOS_OPENBLAS_OPENMP_DIR "/usr/lib/${CMAKE_LIBRARY_ARCHITECTURE}/openblas-openmp")
if(LACOS_PREFER_OPENMP_OPENBLAS AND EXISTS "${LACOS_OPENBLAS_OPENMP_DIR}/libblas.so.3")
  add_link_options("LINKER:--disable-new-dtags" "LINKER:-rpath,${LACOS_OPENBLAS_OPENMP_DIR}")
  message(STATUS "lacos: executables prefer OpenMP OpenBLAS from ${LACOS_OPENBLAS_OPENMP_DIR}")
endif()

find_package(MPI REQUIRED COMPONENTS CXX)
find_package(yaml-cpp REQUIRED)
find_package(nlohmann_json 3.9 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(fmt REQUIRED)
find_package(HDF5 REQUIRED COMPONENTS C CXX)
find_package(Threads REQUIRED)
find_package(ZLIB REQUIRED)  # gzip-compressed datasets

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
