"""nginx on 127.0.0.1 with a workspace's files: mutual TLS in front of a web site, then who may come in.

:class:`Nginx` writes an ``nginx.conf`` into a throwaway folder and starts
Debian's nginx with it (``nginx -p FOLDER -c nginx.conf``, ``daemon off``),
listening on a free port of 127.0.0.1 only:

* one process (``master_process off``), which stops on SIGTERM and dies
  with its parent (a worker of nginx's usual master would outlive both);
* ``ssl_certificate`` and ``ssl_certificate_key``: the workspace's
  ``server-cert.pem`` and ``server-key.pem``;
* ``ssl_client_certificate``: ``ca-cert.pem``, the CA whose client
  certificates it verifies, and ``ssl_verify_client on``: a client
  certificate is required;
* ``ssl_crl``: a CRL, when given;
* with ``allowed=``, a ``map`` from the verified subject
  (``$ssl_client_s_dn``) to a yes or no, and ``return 403`` for a no: a
  client the CA signed, but not on the list, is verified and still refused.

:meth:`Nginx.request` sends one request with ``curl`` or Python's ``ssl``
and returns an :class:`~pkilesson.tls.servers.Attempt`: the HTTP status and
page the client got (or its TLS error), and what nginx wrote for that
request in its error log (level ``info``) and access log.
"""

from __future__ import annotations

import re
import shlex
import socket
import ssl
import subprocess
import sys
from pathlib import Path
from typing import Iterable, Optional, Union

from cryptography import x509

from ..pki.certificates import load_certificate
from .._catalog import N_, Text, _
from ..errors import PkiLessonError, argument_error
from ._attempt import Attempt, _Log, settle, strip_stamp, words
from ._process import answers
from ._server import CLIENT_TIMEOUT, _SHORT, Server, _client_files, _first_line, missing, program, relative

__all__ = ["Nginx", "nginx_version", "curl_version", "subject_dn"]

#: What the access log says of each request: pkilesson's format (``log_format``), nginx's variables.
ACCESS_FORMAT = '"$request" $status client_verify=$ssl_client_verify client_s_dn="$ssl_client_s_dn"'
_NOISE = re.compile(r"closed keepalive connection|\[notice\]|signal process started")


def nginx_version() -> Optional[str]:
    """``nginx/1.22.1 (built with OpenSSL 3.0.22 ...)`` from ``nginx -V``, or None."""
    nginx = program("nginx")
    if not nginx:
        return None
    try:
        done = subprocess.run([nginx, "-V"], capture_output=True, text=True, timeout=CLIENT_TIMEOUT,
                              stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return None
    text = done.stderr + done.stdout
    version = re.search(r"nginx version: (\S+)", text)
    built = re.findall(r"^((?:built|running) with \S+ [^\n]*)$", text, re.M)
    return f"{version.group(1) if version else 'nginx'}" + (f" ({'; '.join(built)})" if built else "")


def curl_version() -> Optional[str]:
    """``curl 7.88.1 (...) libcurl/7.88.1 OpenSSL/3.0.22 ...`` up to its TLS library, or None."""
    curl = program("curl")
    line = _first_line([curl, "--version"]) if curl else None
    if not line:
        return None
    found = re.match(r"(curl \S+).*?((?:OpenSSL|GnuTLS|wolfSSL|mbedTLS|BoringSSL|LibreSSL|rustls)/\S+)", line)
    return f"{found.group(1)} ({found.group(2)})" if found else line


def subject_dn(value: Union[x509.Certificate, x509.Name]) -> str:
    """A subject as nginx's ``$ssl_client_s_dn`` writes it (RFC 2253, OpenSSL's short names): ``CN=...,O=...,C=FR``.

    The last attribute of the certificate comes first; ``,+"\\<>;`` are
    escaped with a backslash, and every byte of a character outside ASCII
    as ``\\XX``, as OpenSSL's ``XN_FLAG_RFC2253`` does.
    """
    name = value.subject if isinstance(value, x509.Certificate) else value
    if not isinstance(name, x509.Name):
        raise argument_error("value", "a certificate or an x509.Name", value)
    rdns = []
    for rdn in reversed(list(name.rdns)):
        rdns.append("+".join(f"{_SHORT.get(a.oid, a.oid.dotted_string)}={_escape_2253(a.value)}" for a in rdn))
    return ",".join(rdns)


def _escape_2253(value) -> str:
    value = value if isinstance(value, str) else value.decode("latin-1")
    out = []
    for i, ch in enumerate(value):
        if ord(ch) > 0x7E or ord(ch) < 0x20:
            out.append("".join(f"\\{b:02X}" for b in ch.encode("utf-8")))
        elif ch in ',+"\\<>;' or (i == 0 and ch in "# ") or (i == len(value) - 1 and ch == " "):
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def _conf_string(text: str) -> str:
    """A double-quoted string of nginx's configuration."""
    if any(ord(ch) < 0x20 for ch in text):
        raise PkiLessonError(_("A name with a control character cannot go into nginx's configuration."),
                             _("allow a certificate whose subject has printable characters only."))
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _allowed_dns(allowed) -> Optional[tuple[str, ...]]:
    if allowed is None:
        return None
    if isinstance(allowed, (str, x509.Certificate, Path)) or not isinstance(allowed, Iterable):
        allowed = [allowed]
    names = []
    for item in allowed:
        if isinstance(item, Path) or (isinstance(item, str) and item.endswith(".pem")):
            item = load_certificate(item)
        if isinstance(item, (x509.Certificate, x509.Name)):
            names.append(subject_dn(item))
        elif isinstance(item, str) and "=" in item:
            names.append(item)
        else:
            raise argument_error("allowed", "certificates, their .pem files, or subjects as nginx writes them "
                                            "(e.g. 'CN=client.localhost,O=pkilesson,C=FR')", item)
    return tuple(names)


def _nginx_supports_e(nginx: str) -> bool:
    """``-e`` (the error log before the configuration is read) exists since nginx 1.19.5."""
    line = _first_line([nginx, "-v"]) or ""
    found = re.search(r"nginx/(\d+)\.(\d+)\.(\d+)", line)
    return bool(found) and tuple(map(int, found.groups())) >= (1, 19, 5)


class Nginx(Server):
    """Debian's nginx on 127.0.0.1, requiring a client certificate from ``directory``'s CA.

    ``allowed``: None lets in every client the CA signed; certificates (or
    their files, or subjects as ``$ssl_client_s_dn`` writes them) allow those
    names only, and the others get HTTP 403. ``crl``: a CRL file
    (``ssl_crl``). ``port``: a port of 127.0.0.1 (default: a free one).
    """

    kind = "nginx"
    name = "nginx"

    def __init__(self, directory: Union[str, Path] = "lab", *, allowed=None, crl: Union[str, Path, None] = None,
                 port: Optional[int] = None) -> None:
        super().__init__(directory, crl=crl, port=port)
        self.allowed = _allowed_dns(allowed)
        self.description = ""

    # -- the configuration ----------------------------------------------------------------------------
    def configuration(self, port: Union[int, str] = "PORT") -> str:
        """The ``nginx.conf`` this server runs with (``PORT`` for the port when not started)."""
        folder = self.folder or Path("FOLDER")
        lines = [
            "master_process off;", "daemon off;", f"pid {folder / 'nginx.pid'};",
            f"error_log {folder / 'error.log'} info;", "events { worker_connections 64; }", "http {",
            f"    log_format pkilesson '{ACCESS_FORMAT}';",
            f"    access_log {folder / 'access.log'} pkilesson;",
            *(f"    {kind}_temp_path {folder / 'temp' / kind};" for kind in
              ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")),
        ]
        if self.allowed is not None:
            lines += ["    map_hash_bucket_size 512;  # room for long subjects", "    map $ssl_client_s_dn $allowed {", "        default no;",
                      *(f"        {_conf_string(dn)} yes;" for dn in self.allowed), "    }"]
        lines += [
            "    server {", f"        listen 127.0.0.1:{port} ssl;", "        server_name localhost;",
            f"        ssl_certificate {self.files['cert']};", f"        ssl_certificate_key {self.files['key']};",
            f"        ssl_client_certificate {self.files['ca']};", "        ssl_verify_client on;",
        ]
        if self.crl:
            lines.append(f"        ssl_crl {self.crl};")
        lines += ["        default_type text/plain;", "        location / {"]
        if self.allowed is not None:
            lines.append("            if ($allowed = no) { return 403; }")
        lines += ['            return 200 "hello, $ssl_client_s_dn\\n";', "        }", "    }", "}"]
        return "\n".join(lines) + "\n"

    def rules(self) -> str:
        """The directives that decide who comes in, with the workspace's file names (an Attempt's 'its rule')."""
        def shown(path: Path) -> str:
            return relative(path, self.directory)

        rules = [f"ssl_client_certificate {shown(self.files['ca'])};", "ssl_verify_client on;"]
        if self.crl:
            rules.append(f"ssl_crl {shown(self.crl)};")
        if self.allowed is not None:
            rules.append("map $ssl_client_s_dn $allowed { default no; "
                         + " ".join(f"{_conf_string(dn)} yes;" for dn in self.allowed) + " }")
            rules.append("if ($allowed = no) { return 403; }")
        return " ".join(rules)

    # -- start ------------------------------------------------------------------------------------------
    def _start(self) -> None:
        nginx = program("nginx")
        if not nginx:
            raise missing("nginx", "nginx")
        self._nginx = nginx
        self.description = nginx_version() or "nginx"
        self.error_log = _Log(self.folder / "error.log", "error log")
        self.access_log = _Log(self.folder / "access.log", "access log")
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.folder / "temp" / kind).mkdir(parents=True, exist_ok=True)
        self._retrying(self._start_once, self._port)
        self.error_log.mark()
        self.access_log.mark()

    def _start_once(self, port: int) -> None:
        self.error_log.path.unlink(missing_ok=True)
        conf = self.folder / "nginx.conf"
        conf.write_text(self.configuration(port))
        self.argv = [self._nginx, "-p", f"{self.folder}/", "-c", str(conf)]
        if _nginx_supports_e(self._nginx):
            self.argv += ["-e", str(self.error_log.path)]
        self._spawn_and_wait(self.argv, lambda: (self.folder / "nginx.pid").exists() and answers(port),
                             self.error_log, "nginx")

    # -- clients -----------------------------------------------------------------------------------------
    def request(self, *, client: Union[str, Path, None] = "default", tool: str = "curl", host: str = "localhost",
                scenario: str = "") -> Attempt:
        """One request for ``https://HOST:PORT/`` with ``curl`` or Python's ``ssl`` (``tool="python"``).

        ``client``: a folder holding client-cert.pem and client-key.pem
        (default: the server's workspace), or None to send no certificate.
        Both clients check the server's certificate against ca-cert.pem for ``host``.
        """
        if tool not in ("curl", "python"):
            raise PkiLessonError(_("There is no client {tool!r} here.").format(tool=tool),
                                 _("use tool='curl' or tool='python'."))
        if host not in ("localhost", "127.0.0.1"):
            raise PkiLessonError(_("{host!r} is not this machine's loopback name.").format(host=host),
                                 _("use 'localhost' or '127.0.0.1'."))
        cert, key = _client_files(self.directory if client == "default" else client)
        scenario = scenario or (f"{relative(cert, self.directory)}" if cert else N_("no client certificate"))
        self.error_log.mark()
        self.access_log.mark()
        if tool == "curl":
            command, accepted, client_words, name = self._curl(cert, key, host)
        else:
            command, accepted, client_words, name = self._python(cert, key, host)
        settle((self.error_log, self.access_log))
        said = [("error log", strip_stamp(re.sub(r"\d+#\d+: \*\d+ ", "", line))) for line in self.error_log.read()
                if not _NOISE.search(line)]
        said += [("access log", line) for line in self.access_log.read()]
        return Attempt(self.description, self.rules(), name, scenario, command, accepted, client_words, tuple(said))

    def _curl(self, cert, key, host):
        curl = program("curl")
        if not curl:
            raise missing("curl", "curl")
        argv = ["curl", "--silent", "--show-error", "--cacert", relative(self.files["ca"], self.directory)]
        if cert:
            argv += ["--cert", relative(cert, self.directory), "--key", relative(key, self.directory)]
        argv += ["--resolve", f"{host}:PORT:127.0.0.1", "--write-out", r"\nHTTP %{http_code}\n",
                 f"https://{host}:PORT/"]
        run = [curl] + [a.replace("PORT", str(self.port)) for a in argv[1:]]
        done = subprocess.run(run, cwd=self.directory, capture_output=True, text=True, timeout=CLIENT_TIMEOUT,
                              stdin=subprocess.DEVNULL)
        if done.returncode != 0:
            said = " ".join(done.stderr.split()) or words(N_("exit status {status}"), status=done.returncode)
            return shlex.join(argv), False, said, curl_version() or "curl"
        page, _sep, status = done.stdout.rstrip("\n").rpartition("\nHTTP ")
        return shlex.join(argv), status == "200", _page_words(f"HTTP {status}", page), curl_version() or "curl"

    def _python(self, cert, key, host):
        ca = relative(self.files["ca"], self.directory)
        call = f"ssl.create_default_context(cafile={ca!r})"
        if cert:
            call += (f"; context.load_cert_chain({relative(cert, self.directory)!r}, "
                     f"{relative(key, self.directory)!r})")
        call = words(N_("{code}; GET {url} over it"), code=call, url=f"https://{host}:PORT/")
        name = words(N_("Python {python}'s ssl module ({openssl})"), python=sys.version.split()[0],
                     openssl=ssl.OPENSSL_VERSION)
        context = ssl.create_default_context(cafile=str(self.files["ca"]))
        if cert:
            context.load_cert_chain(str(cert), str(key))
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=CLIENT_TIMEOUT) as raw, \
                    context.wrap_socket(raw, server_hostname=host) as connection:
                connection.sendall(f"GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
                data = b""
                while chunk := connection.recv(65536):
                    data += chunk
        except (ssl.SSLError, OSError) as error:
            return call, False, f"{type(error).__name__}: {error}", name
        head, _sep, body = data.decode("utf-8", "replace").partition("\r\n\r\n")
        status_line = head.splitlines()[0] if head else Text(N_("(no answer)"))
        status = status_line.split()[1] if len(status_line.split()) > 1 else ""
        if "chunked" in head.lower():
            body = "\n".join(line for line in body.splitlines()[1:-2])
        return call, status == "200", _page_words(status_line, body), name

    # -- for pkilesson serve -------------------------------------------------------------------------------
    def how_to_connect(self) -> str:
        base = f"curl --cacert ca-cert.pem --resolve localhost:{self.port}:127.0.0.1"
        url = f"https://localhost:{self.port}/"
        who = (_("every client certificate ca-cert.pem's CA signed") if self.allowed is None
               else _("only {names}").format(names="; ".join(self.allowed)))
        listens = _("{server} listens on {url} (127.0.0.1 only), with {folder}/'s ca-cert.pem, server-cert.pem and "
                    "server-key.pem and the CRL {crl} (its folder: {temporary}).") if self.crl else \
            _("{server} listens on {url} (127.0.0.1 only), with {folder}/'s ca-cert.pem, server-cert.pem and "
              "server-key.pem (its folder: {temporary}).")
        return "\n".join([
            listens.format(server=self.description, url=url, folder=self.directory, crl=self.crl,
                           temporary=self.folder),
            _("It requires a client certificate and lets in {who}.").format(who=who), "",
            _("From {folder}/, try it with the client's certificate, then without:").format(folder=self.directory),
            f"  {base} --cert client-cert.pem --key client-key.pem {url}", f"  {base} {url}",
        ])

    def log_tail(self) -> str:
        return " | ".join(self.error_log.text().strip().splitlines()[-3:])


def _page_words(status: str, page: str) -> str:
    """The status line, then the page in a few words: an HTML page's title (nginx's own error pages), else its text."""
    title = re.search(r"<title>(.*?)</title>", page, re.S | re.I)
    if title:
        return words(N_("{status}; page: {page}"), status=status, page=title.group(1).strip())
    if page.strip():
        return words(N_("{status}; page: {page}"), status=status, page=" ".join(page.split()))
    return words(N_("{status}; empty page"), status=status)
