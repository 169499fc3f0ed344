{
  "targets": [
    {
      "target_name": "dlts_native",
      "sources": [
        "native/addon.cc",
        "native/conv.cc",
        "native/elementwise.cc",
        "native/gemm.cc",
        "native/onednn.cc",
        "native/optim.cc",
        "native/pool.cc",
        "native/reduce.cc"
      ],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc": ["-std=c++17", "-O3", "-fopenmp", "-fno-math-errno"],
      "defines": ["NAPI_VERSION=8"],
      "conditions": [
        ["OS=='mac'", {
          "include_dirs": ["<!@(node -p \"['/opt/homebrew/include','/usr/local/include',process.env.DNNL_ROOT?process.env.DNNL_ROOT+'/include':''].filter(Boolean).join(' ')\")"],
          "libraries": ["-L/opt/homebrew/lib", "-L/usr/local/lib", "-ldnnl", "-Wl,-rpath,/opt/homebrew/lib", "-Wl,-rpath,/usr/local/lib"],
          "xcode_settings": {
            "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
            "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
            "OTHER_CPLUSPLUSFLAGS": ["-O3", "-Xpreprocessor", "-fopenmp"],
            "OTHER_LDFLAGS": ["-lomp"]
          }
        }],
        ["OS!='mac'", {
          "libraries": ["-ldnnl", "-fopenmp"],
          "ldflags": ["-fopenmp"]
        }]
      ]
    }
  ]
}
