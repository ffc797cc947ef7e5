# Third-party packages. LibTorch is the pinned `torch` wheel (launch/setup.sh installs it into
# .venv; the GPU machine has the same version in its system Python); the rest comes from Debian 12
# (or the GPU machine's system packages).

# --- LibTorch -------------------------------------------------------------------------------
# One LibTorch line: the torch wheel, built with CUDA 13 (torch==2.11.0 on PyPI is cu130, as on the
# GPU machine). Its CMake package is found through the Python that has it: .venv/bin/python when
# launch/setup.sh made one, else python3 (the GPU machine), unless Torch_DIR is given.
set(LACOS_TORCH_MIN_VERSION 2.11)
if(EXISTS "${PROJECT_SOURCE_DIR}/.venv/bin/python")
  set(lacos_default_python "${PROJECT_SOURCE_DIR}/.venv/bin/python")
else()
  set(lacos_default_python python3)
endif()
set(LACOS_PYTHON "${lacos_default_python}" CACHE FILEPATH "Python whose torch package provides LibTorch")
if(NOT Torch_DIR)
  execute_process(COMMAND "${LACOS_PYTHON}" -c "import torch.utils; print(torch.utils.cmake_prefix_path)"
                  OUTPUT_VARIABLE lacos_torch_prefix OUTPUT_STRIP_TRAILING_WHITESPACE
                  ERROR_VARIABLE lacos_torch_error RESULT_VARIABLE lacos_torch_status)
  if(NOT lacos_torch_status EQUAL 0)
    message(FATAL_ERROR "lacos needs LibTorch from the torch wheel, but '${LACOS_PYTHON}' cannot import torch "
                        "(run launch/setup.sh, which installs torch into .venv, or pass -DTorch_DIR=...): "
                        "${lacos_torch_error}")
  endif()
  set(Torch_DIR "${lacos_torch_prefix}/Torch" CACHE PATH "LibTorch's CMake package" FORCE)
endif()
find_package(Torch REQUIRED)
if(Torch_VERSION VERSION_LESS LACOS_TORCH_MIN_VERSION)
  message(FATAL_ERROR "LibTorch ${Torch_VERSION} at ${Torch_DIR} is older than ${LACOS_TORCH_MIN_VERSION} "
                      "(launch/setup.sh installs the pinned torch wheel)")
endif()
# LibTorch 2.12 and later require C++20 of every translation unit that includes ATen.
if(Torch_VERSION VERSION_GREATER_EQUAL 2.12)
  set(CMAKE_CXX_STANDARD 20)
endif()
get_filename_component(LACOS_TORCH_ROOT "${TORCH_INSTALL_PREFIX}" ABSOLUTE)
# The wheel's CUDA libraries (cudart, cuBLAS, cuDNN, NCCL...) sit beside it in nvidia/.
get_filename_component(LACOS_WHEEL_NVIDIA_DIR "${LACOS_TORCH_ROOT}/../nvidia" ABSOLUTE)
# The wheel's libtorch.so carries and exports its own copy of libstdc++'s std::filesystem (it was
# built against a newer libstdc++ than the system's). An executable whose first NEEDED library is
# libtorch.so binds calls such as std::filesystem::remove_all to that copy, which crashed here
# (a call through a null pointer). libstdc++ is therefore linked first, so its symbols win.
add_link_options("LINKER:--push-state,--no-as-needed" "-lstdc++" "LINKER:--pop-state")
# LibTorch's own flags carry the _GLIBCXX_USE_CXX11_ABI setting it was built with; every target
# that includes LibTorch headers must use the same value or std::string symbols mismatch.
separate_arguments(LACOS_TORCH_CXX_FLAGS UNIX_COMMAND "${TORCH_CXX_FLAGS}")
if(TARGET c10_cuda)
  set(LACOS_TORCH_CUDA ON)
else()
  set(LACOS_TORCH_CUDA OFF)
endif()

# --- fmt --------------------------------------------------------------------------------------
# The wheel ships fmt's headers in torch/include/fmt, which every file including LibTorch sees
# before /usr/include. Compiling against them while linking Debian's libfmt 9 mixes two fmt
# versions, so lacos uses the wheel's fmt everywhere, header-only (lacos_base too, through a folder
# that holds nothing but fmt/).
set(LACOS_FMT_INCLUDE_DIR "${CMAKE_BINARY_DIR}/fmt-include")
file(MAKE_DIRECTORY "${LACOS_FMT_INCLUDE_DIR}")
file(CREATE_LINK "${LACOS_TORCH_ROOT}/include/fmt" "${LACOS_FMT_INCLUDE_DIR}/fmt" SYMBOLIC)
add_library(lacos_fmt INTERFACE)
target_include_directories(lacos_fmt SYSTEM INTERFACE "${LACOS_FMT_INCLUDE_DIR}")
target_compile_definitions(lacos_fmt INTERFACE FMT_HEADER_ONLY=1)

find_package(MPI REQUIRED COMPONENTS CXX)
find_package(yaml-cpp REQUIRED)
find_package(nlohmann_json 3.9 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(HDF5 REQUIRED COMPONENTS C)
find_package(Threads REQUIRED)
find_package(ZLIB REQUIRED)  # gzip-compressed datasets

# --- CUDA runtime and NCCL ----------------------------------------------------------------------
# The NCCL backend is built against the NCCL torch itself loads (the wheel's nvidia/nccl: only
# libnccl.so.2, no libnccl.so) and the wheel's CUDA runtime, and executables look in the wheel's
# library folders first, so one libnccl.so.2 and one libcudart.so.13 are loaded, torch's.
# AUTO: on wherever LibTorch has CUDA and NCCL is found.
set(LACOS_NCCL_ENABLED OFF)
if(LACOS_TORCH_CUDA)
  find_path(LACOS_CUDART_INCLUDE_DIR cuda_runtime.h HINTS "${LACOS_WHEEL_NVIDIA_DIR}/cu13/include" ${CUDAToolkit_INCLUDE_DIRS})
  find_library(LACOS_CUDART_LIBRARY NAMES cudart libcudart.so.13 HINTS "${LACOS_WHEEL_NVIDIA_DIR}/cu13/lib" ${CUDAToolkit_LIBRARY_DIR})
  add_library(lacos_cudart INTERFACE)
  target_include_directories(lacos_cudart SYSTEM INTERFACE "${LACOS_CUDART_INCLUDE_DIR}")
  target_link_libraries(lacos_cudart INTERFACE "${LACOS_CUDART_LIBRARY}")
  set(LACOS_WHEEL_LIBRARY_DIRS)
  foreach(part cu13 nccl cudnn cusparselt nvshmem)
    if(EXISTS "${LACOS_WHEEL_NVIDIA_DIR}/${part}/lib")
      list(APPEND LACOS_WHEEL_LIBRARY_DIRS "${LACOS_WHEEL_NVIDIA_DIR}/${part}/lib")
    endif()
  endforeach()
  list(APPEND LACOS_WHEEL_LIBRARY_DIRS "${LACOS_TORCH_ROOT}/lib")
  # DT_RPATH (not RUNPATH): it also applies to the libraries lacos loads, so they find torch's copies.
  string(REPLACE ";" ":" lacos_rpath "${LACOS_WHEEL_LIBRARY_DIRS}")
  add_link_options("LINKER:--disable-new-dtags" "LINKER:-rpath,${lacos_rpath}")
endif()
if(LACOS_TORCH_CUDA AND NOT LACOS_WITH_NCCL STREQUAL "OFF")
  find_path(NCCL_INCLUDE_DIR nccl.h HINTS "${LACOS_WHEEL_NVIDIA_DIR}/nccl/include" NO_DEFAULT_PATH)
  find_library(NCCL_LIBRARY NAMES nccl libnccl.so.2 HINTS "${LACOS_WHEEL_NVIDIA_DIR}/nccl/lib" NO_DEFAULT_PATH)
  if(NOT NCCL_INCLUDE_DIR OR NOT NCCL_LIBRARY)
    # A LibTorch built from source against a system NCCL: use that one (the one torch loads).
    find_package(CUDAToolkit QUIET)
    find_path(NCCL_INCLUDE_DIR nccl.h HINTS ${CUDAToolkit_INCLUDE_DIRS} /usr/local/cuda/include)
    find_library(NCCL_LIBRARY NAMES nccl libnccl.so.2 HINTS ${CUDAToolkit_LIBRARY_DIR} /usr/local/cuda/lib64)
  endif()
  if(NCCL_INCLUDE_DIR AND NCCL_LIBRARY)
    set(LACOS_NCCL_ENABLED ON)
  endif()
endif()
if(LACOS_WITH_NCCL STREQUAL "ON" AND NOT LACOS_NCCL_ENABLED)
  message(FATAL_ERROR "LACOS_WITH_NCCL=ON but LibTorch has no CUDA (${LACOS_TORCH_CUDA}) or nccl.h/libnccl was not "
                      "found (looked in ${LACOS_WHEEL_NVIDIA_DIR}/nccl and the CUDA toolkit)")
endif()
