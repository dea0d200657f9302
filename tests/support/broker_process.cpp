// SPDX-License-Identifier: MIT
// Spawning mqtk-broker for tests, and a raw loopback TCP client.
#include "broker_process.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <spawn.h>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace mqtk::testing {

broker_process::broker_process(const std::string& binary, std::vector<std::string> args) {
  char tmpl[] = "/tmp/mqtk-test-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  const std::string port_file = dir_ + "/port";
  std::vector<std::string> argv_s{binary, "-p", "0", "--port-file", port_file};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  // The broker's log goes to a file beside the port file, not into the test's output.
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 2, (dir_ + "/stderr").c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const int rc = posix_spawn(&pid_, binary.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + binary);
  for (int i = 0; i < 1000; ++i) { // up to 5 s
    std::ifstream f(port_file);
    unsigned p = 0;
    if (f >> p && p != 0) {
      port_ = static_cast<std::uint16_t>(p);
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  stop();
  throw std::runtime_error("mqtk-broker did not report its port");
}

int broker_process::stop() {
  if (pid_ < 0) return -1;
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  std::remove((dir_ + "/port").c_str());
  std::remove((dir_ + "/stderr").c_str());
  ::rmdir(dir_.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

broker_process::~broker_process() {
  stop();
}

raw_client::raw_client(std::uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) close();
  const int one = 1;
  if (fd_ >= 0) ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

raw_client::~raw_client() {
  close();
}

void raw_client::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool raw_client::send(byte_view bytes) {
  std::size_t done = 0;
  while (fd_ >= 0 && done < bytes.size()) {
    const auto n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return done == bytes.size();
}

buffer raw_client::read_exactly(std::size_t n, std::chrono::milliseconds timeout) {
  buffer out;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (fd_ >= 0 && out.size() < n) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    std::uint8_t tmp[4096];
    const auto r = ::recv(fd_, tmp, std::min(sizeof tmp, n - out.size()), 0);
    if (r <= 0) break;
    out.insert(out.end(), tmp, tmp + r);
  }
  return out;
}

buffer raw_client::read_packet(std::chrono::milliseconds timeout) {
  buffer out = read_exactly(1, timeout);
  std::size_t length = 0;
  for (int shift = 0; out.size() >= 1 && shift < 28; shift += 7) {
    const auto b = read_exactly(1, timeout);
    if (b.empty()) return out;
    out.push_back(b[0]);
    length |= std::size_t{b[0] & 0x7Fu} << shift;
    if ((b[0] & 0x80) == 0) break;
  }
  const auto body = read_exactly(length, timeout);
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

bool raw_client::closed_within(std::chrono::milliseconds timeout, buffer& extra) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (fd_ >= 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    std::uint8_t tmp[4096];
    const auto r = ::recv(fd_, tmp, sizeof tmp, 0);
    if (r == 0 || (r < 0 && errno == ECONNRESET)) return true;
    if (r < 0) return false;
    extra.insert(extra.end(), tmp, tmp + r);
  }
  return true;
}

} // namespace mqtk::testing
