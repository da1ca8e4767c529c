{
  # The native kernels. Each instruction set is compiled in its own static library with its own flags, and
  # native/dispatch.cpp picks one at load time from what the CPU reports (AMX / AVX-512 / AVX2 / scalar), so
  # one build runs on any x86-64 machine and uses the fastest path it has.
  "target_defaults": {
    "cflags_cc!": ["-fno-exceptions", "-O2"],
    "cflags_cc": ["-std=c++17", "-O3", "-fPIC", "-fno-math-errno", "-ffp-contract=off", "-Wall", "-Wno-unused-function"],
    "cflags!": ["-fno-exceptions"],
    "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")", "native"],
    "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"]
  },
  "targets": [
    {
      "target_name": "kernels_avx2",
      "type": "static_library",
      "cflags_cc": ["-mavx2", "-mfma", "-mf16c"],
      "sources": ["<!@(node native/list-sources.cjs avx2)"]
    },
    {
      "target_name": "kernels_avx512",
      "type": "static_library",
      "cflags_cc": ["-mavx512f", "-mavx512bw", "-mavx512vl", "-mavx512dq", "-mavx512vnni", "-mavx512bf16", "-mfma", "-mf16c", "-mavx2"],
      "sources": ["<!@(node native/list-sources.cjs avx512)"]
    },
    {
      # AMX tiles (bf16 matmul, opt-in): called only where cpu().amx_usable, so the addon still runs without AMX.
      "target_name": "kernels_amx",
      "type": "static_library",
      "cflags_cc": ["-mamx-tile", "-mamx-bf16", "-mavx512f", "-mavx512bw", "-mavx512vl", "-mavx512dq", "-mavx512bf16", "-mfma", "-mavx2"],
      "sources": ["<!@(node native/list-sources.cjs amx)"]
    },
    {
      "target_name": "llamats_native",
      "dependencies": ["kernels_avx2", "kernels_avx512", "kernels_amx"],
      "cflags_cc": ["-pthread"],
      "ldflags": ["-pthread"],
      "sources": ["<!@(node native/list-sources.cjs core)", "<!@(node native/list-sources.cjs ref)"]
    }
  ]
}
