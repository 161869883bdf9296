// tdx_probe: executes CPUID for the probe (x86 only; other architectures
// export `supported: false`). Node-API, so one binary serves Node and Electron.
#include <napi.h>
#include <cstdint>
#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#define TDX_PROBE_X86 1
#endif

namespace {

// cpuid(leaf, subleaf) -> { eax, ebx, ecx, edx } as unsigned 32-bit numbers.
Napi::Value Cpuid(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber()) {
    Napi::TypeError::New(env, "cpuid(leaf, subleaf?): leaf must be a number").ThrowAsJavaScriptException();
    return env.Null();
  }
  uint32_t leaf = info[0].As<Napi::Number>().Uint32Value();
  uint32_t subleaf = info.Length() > 1 && info[1].IsNumber() ? info[1].As<Napi::Number>().Uint32Value() : 0;
  uint32_t a = 0, b = 0, c = 0, d = 0;
#ifdef TDX_PROBE_X86
  __cpuid_count(leaf, subleaf, a, b, c, d);
#else
  (void)leaf;
  (void)subleaf;
#endif
  Napi::Object out = Napi::Object::New(env);
  out.Set("eax", Napi::Number::New(env, a));
  out.Set("ebx", Napi::Number::New(env, b));
  out.Set("ecx", Napi::Number::New(env, c));
  out.Set("edx", Napi::Number::New(env, d));
  return out;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
#ifdef TDX_PROBE_X86
  exports.Set("supported", Napi::Boolean::New(env, true));
#else
  exports.Set("supported", Napi::Boolean::New(env, false));
#endif
  exports.Set("cpuid", Napi::Function::New(env, Cpuid, "cpuid"));
  return exports;
}

}  // namespace

NODE_API_MODULE(tdx_probe, Init)
