// SPDX-License-Identifier: MIT
// Design: OpenSSL 3 costs about 1.5 ms at every process start when linked (it initialises at load
// time), more than half of a one-shot publish. It is loaded here, on the first TLS or WebSocket
// connection, from beside the executable (the build tree) or from ../lib/mqtk/ (installed).
#include "module_loader.hpp"

#include <dlfcn.h>
#include <filesystem>
#include <mutex>

#include "mqtk/transport/tls.hpp"

namespace mqtk::transport {
namespace {

std::string& override_path() {
  static std::string path;
  return path;
}

std::vector<std::string> candidates() {
  std::vector<std::string> r;
  if (!override_path().empty()) r.push_back(override_path());
  if (const char* env = std::getenv("MQTK_OPENSSL_MODULE"); env && *env) r.emplace_back(env);
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const auto dir = exe.parent_path();
    r.push_back((dir / "libmqtk-openssl.so").string());
    r.push_back((dir / ".." / "lib" / "mqtk" / "libmqtk-openssl.so").string());
  }
  return r;
}

} // namespace

void set_module_path(std::string path) {
  override_path() = std::move(path);
}

namespace detail {

const mqtk_openssl_api* openssl(std::string& why) {
  static std::once_flag once;
  static const mqtk_openssl_api* api = nullptr;
  static std::string failure;
  std::call_once(once, [] {
    std::string tried;
    for (const auto& path : candidates()) {
      void* h = ::dlopen(path.c_str(), RTLD_LAZY | RTLD_LOCAL);
      if (!h) {
        tried += (tried.empty() ? "" : "; ") + std::string(::dlerror());
        continue;
      }
      using entry = const mqtk_openssl_api* (*)();
      const auto get = reinterpret_cast<entry>(::dlsym(h, "mqtk_openssl_module"));
      const auto* a = get ? get() : nullptr;
      if (a && a->version == MQTK_OPENSSL_API_VERSION) {
        api = a;
        return;
      }
      tried += (tried.empty() ? "" : "; ") + path + ": not an mqtk OpenSSL module of this version";
    }
    failure = "TLS, WebSocket and password hashing need libmqtk-openssl.so, which could not be "
              "loaded (" +
              tried + ")";
  });
  if (!api) why = failure;
  return api;
}

} // namespace detail

std::string sha1_base64(std::string_view data, std::string& why) {
  const auto* api = detail::openssl(why);
  if (!api) return {};
  std::uint8_t digest[20];
  api->sha1(reinterpret_cast<const std::uint8_t*>(data.data()), data.size(), digest);
  return base64(byte_view(digest, sizeof digest));
}

std::string base64(byte_view data) {
  std::string why;
  const auto* api = detail::openssl(why);
  if (!api) return {};
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  api->base64(data.data(), data.size(), out.data());
  out.pop_back();
  return out;
}

bool random_bytes(std::uint8_t* out, std::size_t len) {
  std::string why;
  const auto* api = detail::openssl(why);
  return api && api->random_bytes(out, len) == 1;
}

} // namespace mqtk::transport
