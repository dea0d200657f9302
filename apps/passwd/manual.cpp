// SPDX-License-Identifier: MIT
// What mqtk-passwd(1) says besides its options.
#include "passwd/options.hpp"

namespace mqtk::app::passwd {

page_info manual() {
  page_info p;
  p.section = "1";
  p.synopsis = "[\\fB\\-H\\fR \\fIHASH\\fR] [\\fB\\-I\\fR \\fIN\\fR] [\\fB\\-c\\fR | "
               "\\fB\\-D\\fR] \\fIFILE\\fR \\fIUSER\\fR\n.br\n"
               ".B mqtk-passwd\n[\\fB\\-H\\fR \\fIHASH\\fR] [\\fB\\-c\\fR] \\fB\\-b\\fR "
               "\\fIFILE\\fR \\fIUSER\\fR \\fIPASSWORD\\fR\n.br\n"
               ".B mqtk-passwd \\-U\n\\fIFILE\\fR";
  p.description = R"roff(.B mqtk-passwd
adds, changes and deletes the users of a password file for
.BR mqtk-broker (8)
.RB ( password_file ),
with the interface of
.BR mosquitto_passwd (1).
The files are interchangeable: mosquitto reads what mqtk-passwd writes and mqtk-broker reads
what mosquitto_passwd writes. Each line is \fIUSER\fR:\fIHASH\fR, the hash
\fB$7$\fR\fIITERATIONS\fR\fB$\fR\fISALT\fR\fB$\fR\fIDIGEST\fR (PBKDF2-HMAC-SHA512, the
default) or \fB$6$\fR\fISALT\fR\fB$\fR\fIDIGEST\fR (one SHA-512, for old mosquitto versions).
.PP
\fB\-\-scram\fR (or \fB\-H scram\-sha\-256\fR, \fBscram\-sha\-512\fR) writes a SCRAM
verifier instead (RFC 5802):
\fB$scram\-sha\-256$\fR\fIITERATIONS\fR\fB$\fR\fISALT\fR\fB$\fR\fISTOREDKEY\fR\fB$\fR\fISERVERKEY\fR.
Such a user logs in to mqtk-broker with \fB\-\-auth\-method SCRAM\-SHA\-256\fR (the password
never crosses the network, and the client checks that the broker knows the verifier) or with a
plain password; mosquitto does not read these lines.
.PP
The password is asked for twice on the terminal, without echo; when standard input is not a
terminal, its first line is the password. The default of 210000 PBKDF2 iterations follows
OWASP's guidance; mqtk-broker checks a password once and then remembers that it matched, so
reconnecting clients do not pay for it again (mosquitto_passwd's default is 101).
.PP
The file is replaced whole (written aside, then renamed) and keeps its permissions; a new file
is readable by its owner only. After a change, send the broker SIGHUP to read it again.)roff";
  p.sections = {{"EXIT STATUS", ".TP\n.B 0\nDone.\n.TP\n.B 1\nThe file could not be read or "
                                "written, the user is unknown (\\fB\\-D\\fR), or the passwords "
                                "did not match.\n.TP\n.B 2\nUsage error."}};
  p.examples = {{"Create a file with one user (the password is read from standard input):",
                 "echo secret | mqtk-passwd -c passwords alice"},
                {"Add a user with mosquitto 1.6's hash:",
                 "echo hunter2 | mqtk-passwd -H sha512 passwords bob"},
                {"A SCRAM verifier, for mqtk-pub --auth-method SCRAM-SHA-256:",
                 "echo s3cret | mqtk-passwd --scram passwords carol"},
                {"Delete a user:", "mqtk-passwd -D passwords bob"}};
  p.see_also = "\\fBmqtk-broker\\fR(8), \\fBmqtk-broker.conf\\fR(5), \\fBmosquitto_passwd\\fR(1)";
  return p;
}

} // namespace mqtk::app::passwd
