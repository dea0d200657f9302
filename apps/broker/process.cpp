// SPDX-License-Identifier: MIT
// fork, setsid, the readiness pipe, and the change of user.
#include "broker/process.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace mqtk::app::broker {

namespace {
int ready_fd = -1; // the daemon's end of the pipe its parent waits on

[[noreturn]] void wait_for_child(pid_t child, int from_child) {
  char byte = 0;
  ssize_t n;
  while ((n = ::read(from_child, &byte, 1)) < 0 && errno == EINTR) {
  }
  if (n == 1) ::_exit(0); // listening
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  ::_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
}
} // namespace

bool daemonize(std::string& why) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    why = std::string("cannot make a pipe: ") + std::strerror(errno);
    return false;
  }
  const pid_t child = ::fork();
  if (child < 0) {
    why = std::string("cannot fork: ") + std::strerror(errno);
    return false;
  }
  if (child > 0) {
    ::close(fds[1]);
    wait_for_child(child, fds[0]);
  }
  ::close(fds[0]);
  ready_fd = fds[1];
  ::setsid(); // no controlling terminal: a closed terminal's SIGHUP means reload, not death
  return true;
}

void daemon_ready() {
  if (ready_fd < 0) return;
  const int null = ::open("/dev/null", O_RDWR);
  if (null >= 0) {
    for (int fd = 0; fd <= 2; ++fd)
      ::dup2(null, fd);
    if (null > 2) ::close(null);
  }
  const char byte = 1;
  while (::write(ready_fd, &byte, 1) < 0 && errno == EINTR) {
  }
  ::close(ready_fd);
  ready_fd = -1;
}

bool drop_privileges(const std::string& user, std::string& note, std::string& why) {
  if (::geteuid() != 0) {
    note = "user " + user +
           " ignored: not started as root, so running as the user it was "
           "started as";
    return true;
  }
  std::vector<char> buffer(16384);
  passwd entry{};
  passwd* found = nullptr;
  const int rc = ::getpwnam_r(user.c_str(), &entry, buffer.data(), buffer.size(), &found);
  if (found == nullptr) {
    why = "user " + user + ": " + (rc != 0 ? std::strerror(rc) : "no such user");
    return false;
  }
  // Groups first: once the user id is not root, the group ids can no longer change.
  if (::initgroups(user.c_str(), entry.pw_gid) != 0 || ::setgid(entry.pw_gid) != 0 ||
      ::setuid(entry.pw_uid) != 0) {
    why = "cannot change to user " + user + ": " + std::strerror(errno);
    return false;
  }
  if (entry.pw_uid != 0 && ::setuid(0) == 0) { // the change must not be undoable
    why = "changed to user " + user + " but root could be taken back; refusing to run";
    return false;
  }
  note = "running as user " + user;
  return true;
}

} // namespace mqtk::app::broker
