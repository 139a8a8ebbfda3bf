"""Lesson 07's scenarios as they ran when recorded (python -m pkilesson.lessons.access --record).

Generated: do not edit. pkilesson.lessons.access shows them, marked as recorded, where a server is missing.
"""

RECORDED = {'_meta': {'when': '2026-11-30',
           'machine': 'Debian GNU/Linux 12 (bookworm), x86_64',
           'versions': 'Python 3.11.7; its ssl module: OpenSSL 3.0.22 25 Aug 2026; pyca/cryptography 50.0.2; '
                       'openssl command: OpenSSL 3.0.22 25 Aug 2026 (Library: OpenSSL 3.0.22 25 Aug 2026)',
           'servers': {'mariadb-connect': 'MariaDB 10.11.19-MariaDB-0+deb12u1-log (its TLS library: OpenSSL 3.0.22 '
                                          '25 Aug 2026)',
                       'mariadb-ssl': 'MariaDB 10.11.19-MariaDB-0+deb12u1-log (its TLS library: OpenSSL 3.0.22 25 '
                                      'Aug 2026)',
                       'mariadb-x509': 'MariaDB 10.11.19-MariaDB-0+deb12u1-log (its TLS library: OpenSSL 3.0.22 25 '
                                       'Aug 2026)',
                       'mariadb-subject': 'MariaDB 10.11.19-MariaDB-0+deb12u1-log (its TLS library: OpenSSL 3.0.22 '
                                          '25 Aug 2026)',
                       'mariadb-source': 'MariaDB 10.11.19-MariaDB-0+deb12u1-log (its TLS library: OpenSSL 3.0.22 '
                                         '25 Aug 2026)',
                       'nginx-verify': 'nginx/1.22.1 (built with OpenSSL 3.0.22 25 Aug 2026)',
                       'nginx-names': 'nginx/1.22.1 (built with OpenSSL 3.0.22 25 Aug 2026)',
                       'nginx-before-crl': 'nginx/1.22.1 (built with OpenSSL 3.0.22 25 Aug 2026)',
                       'nginx-crl': 'nginx/1.22.1 (built with OpenSSL 3.0.22 25 Aug 2026)'}},
 'mariadb-connect': {'title': 'MariaDB, your client certificate, with the mariadb command and with PyMySQL '
                              '(account REQUIRE X509)',
                     'attempts': [{'server': 'MariaDB 10.11.19-MariaDB-0+deb12u1-log (its TLS library: OpenSSL '
                                             '3.0.22 25 Aug 2026)',
                                   'setting': "CREATE OR REPLACE USER 'any_client'@'%' REQUIRE X509",
                                   'client': 'the mariadb command (mariadb Ver 15.1 Distrib 10.11.19-MariaDB)',
                                   'scenario': 'your client (client-cert.pem), the mariadb command',
                                   'command': 'mariadb --no-defaults --protocol=TCP -h 127.0.0.1 -P PORT -u '
                                              'any_client --ssl-ca=ca-cert.pem --ssl-cert=client-cert.pem '
                                              '--ssl-key=client-key.pem --ssl-verify-server-cert --batch '
                                              "--skip-column-names -e 'SELECT CURRENT_USER(); SHOW STATUS LIKE "
                                              '"Ssl_version"\'',
                                   'accepted': True,
                                   'client_words': 'in, as any_client@%; Ssl_version TLSv1.3',
                                   'server_words': [['general log',
                                                     '8 Connect\tany_client@127.0.0.1 on  using SSL/TLS']]},
                                  {'server': 'MariaDB 10.11.19-MariaDB-0+deb12u1-log (its TLS library: OpenSSL '
                                             '3.0.22 25 Aug 2026)',
                                   'setting': "CREATE OR REPLACE USER 'any_client'@'%' REQUIRE X509",
                                   'client': 'PyMySQL 1.2.4 (Python 3.11.7, its ssl module: OpenSSL 3.0.22 25 Aug '
                                             '2026)',
                                   'scenario': 'your client (client-cert.pem), PyMySQL',
                                   'command': "pymysql.connect(host='127.0.0.1', port=PORT, user='any_client', "
                                              "ssl_ca='ca-cert.pem', ssl_verify_cert=True, "
                                              "ssl_verify_identity=True, ssl_cert='client-cert.pem', "
                                              "ssl_key='client-key.pem')",
                                   'accepted': True,
                                   'client_words': 'in, as any_client@%; Ssl_version TLSv1.3',
                                   'server_words': [['general log',
                                                     '9 Connect\tany_client@127.0.0.1 on  using SSL/TLS']]}]},
 'mariadb-ssl': {'title': 'MariaDB, REQUIRE SSL: any TLS connection, with or without a certificate',
                 'attempts': [{'server': 'MariaDB 10.11.19-MariaDB-0+deb12u1-log (its TLS library: OpenSSL 3.0.22 '
                                         '25 Aug 2026)',
                               'setting': "CREATE OR REPLACE USER 'tls_only'@'%' REQUIRE SSL",
                               'client': 'the mariadb command (mariadb Ver 15.1 Distrib 10.11.19-MariaDB)',
                               'scenario': 'your client, without TLS (--skip-ssl)',
                               'command': 'mariadb --no-defaults --protocol=TCP -h 127.0.0.1 -P PORT -u tls_only '
                                          "--skip-ssl --batch --skip-column-names -e 'SELECT CURRENT_USER(); SHOW "
                                          'STATUS LIKE "Ssl_version"\'',
                               'accepted': False,
                               'client_words': "ERROR 1045 (28000): Access denied for user 'tls_only'@'127.0.0.1' "
                                               '(using password: NO)',
                               'server_words': [['general log', '8 Connect\ttls_only@127.0.0.1 on  using TCP/IP'],
                                                ['general log',
                                                 "8 Connect\tAccess denied for user 'tls_only'@'127.0.0.1' (using "
                                                 'password: NO)'],
                                                ['error log',
                                                 "[Warning] Access denied for user 'tls_only'@'127.0.0.1' (using "
                                                 'password: NO)']]},
                              {'server': 'MariaDB 10.11.19-MariaDB-0+deb12u1-log (its TLS library: OpenSSL 3.0.22 '
                                         '25 Aug 2026)',
                               'setting': "CREATE OR REPLACE USER 'tls_only'@'%' REQUIRE SSL",
                               'client': 'the mariadb command (mariadb Ver 15.1 Distrib 10.11.19-MariaDB)',
                               'scenario': 'TLS, no client certificate',
                               'command': 'mariadb --no-defaults --protocol=TCP -h 127.0.0.1 -P PORT -u tls_only '
                                          '--ssl-ca=ca-cert.pem --ssl-verify-server-cert --batch '
                                          "--skip-column-names -e 'SELECT CURRENT_USER(); SHOW STATUS LIKE "
                                          '"Ssl_version"\'',
                               'accepted': True,
                               'client_words': 'in, as tls_only@%; Ssl_version TLSv1.3',
                               'server_words': [['general log',
                                                 '9 Connect\ttls_only@127.0.0.1 on  using SSL/TLS']]}]},
 'mariadb-x509': {'title': 'MariaDB, REQUIRE X509: any client certificate the server verified',
                  'attempts': [{'server': 'MariaDB 10.11.19-MariaDB-0+deb12u1-log (its TLS library: OpenSSL 3.0.22 '
                                          '25 Aug 2026)',
                                'setting': "CREATE OR REPLACE USER 'any_client'@'%' REQUIRE X509",
                                'client': 'the mariadb command (mariadb Ver 15.1 Distrib 10.11.19-MariaDB)',
                                'scenario': 'TLS, no client certificate',
                                'command': 'mariadb --no-defaults --protocol=TCP -h 127.0.0.1 -P PORT -u '
                                           'any_client --ssl-ca=ca-cert.pem --ssl-verify-server-cert --batch '
                                           "--skip-column-names -e 'SELECT CURRENT_USER(); SHOW STATUS LIKE "
                                           '"Ssl_version"\'',
                                'accepted': False,
                                'client_words': 'ERROR 1045 (28000): Access denied for user '
                                                "'any_client'@'127.0.0.1' (using password: NO)",
                                'server_words': [['general log',
                                                  '8 Connect\tany_client@127.0.0.1 on  using SSL/TLS'],
                                                 ['general log',
                                                  "8 Connect\tAccess denied for user 'any_client'@'127.0.0.1' "
                                                  '(using password: NO)'],
                                                 ['error log',
                                                  "[Warning] Access denied for user 'any_client'@'127.0.0.1' "
                                                  '(using password: NO)']]},
                               {'server': 'MariaDB 10.11.19-MariaDB-0+deb12u1-log (its TLS library: OpenSSL 3.0.22 '
                                          '25 Aug 2026)',
                                'setting': "CREATE OR REPLACE USER 'any_client'@'%' REQUIRE X509",
                                'client': 'the mariadb command (mariadb Ver 15.1 Distrib 10.11.19-MariaDB)',
                                'scenario': 'your client (client-cert.pem)',
                                'command': 'mariadb --no-defaults --protocol=TCP -h 127.0.0.1 -P PORT -u '
                                           'any_client --ssl-ca=ca-cert.pem --ssl-cert=client-cert.pem '
                                           '--ssl-key=client-key.pem --ssl-verify-server-cert --batch '
                                           "--skip-column-names -e 'SELECT CURRENT_USER(); SHOW STATUS LIKE "
                                           '"Ssl_version"\'',
                                'accepted': True,
                                'client_words': 'in, as any_client@%; Ssl_version TLSv1.3',
                                'server_words': [['general log',
                                                  '9 Connect\tany_client@127.0.0.1 on  using SSL/TLS']]},
                               {'server': 'MariaDB 10.11.19-MariaDB-0+deb12u1-log (its TLS library: OpenSSL 3.0.22 '
                                          '25 Aug 2026)',
                                'setting': "CREATE OR REPLACE USER 'any_client'@'%' REQUIRE X509",
                                'client': 'the mariadb command (mariadb Ver 15.1 Distrib 10.11.19-MariaDB)',
                                'scenario': 'the second client (second-client/)',
                                'command': 'mariadb --no-defaults --protocol=TCP -h 127.0.0.1 -P PORT -u '
                                           'any_client --ssl-ca=ca-cert.pem '
                                           '--ssl-cert=second-client/client-cert.pem '
                                           '--ssl-key=second-client/client-key.pem --ssl-verify-server-cert '
                                           "--batch --skip-column-names -e 'SELECT CURRENT_USER(); SHOW STATUS "
                                           'LIKE "Ssl_version"\'',
                                'accepted': True,
                                'client_words': 'in, as any_client@%; Ssl_version TLSv1.3',
                                'server_words': [['general log',
                                                  '10 Connect\tany_client@127.0.0.1 on  using SSL/TLS']]},
                               {'server': 'MariaDB 10.11.19-MariaDB-0+deb12u1-log (its TLS library: OpenSSL 3.0.22 '
                                          '25 Aug 2026)',
                                'setting': "CREATE OR REPLACE USER 'any_client'@'%' REQUIRE X509",
                                'client': 'the mariadb command (mariadb Ver 15.1 Distrib 10.11.19-MariaDB)',
                                'scenario': 'a client of another CA (other-ca-client/)',
                                'command': 'mariadb --no-defaults --protocol=TCP -h 127.0.0.1 -P PORT -u '
                                           'any_client --ssl-ca=ca-cert.pem '
                                           '--ssl-cert=other-ca-client/client-cert.pem '
                                           '--ssl-key=other-ca-client/client-key.pem --ssl-verify-server-cert '
                                           "--batch --skip-column-names -e 'SELECT CURRENT_USER(); SHOW STATUS "
                                           'LIKE "Ssl_version"\'',
                                'accepted': False,
                                'client_words': "ERROR 2013 (HY000): Lost connection to server at 'sending "
                                                "authentication information', system error: 104",
                                'server_words': [['error log',
                                                  "[Warning] Aborted connection 11 to db: 'unconnected' user: "
                                                  "'unauthenticated' host: '127.0.0.1' (This connection closed "
                                                  'normally without authentication)']]}]},
 'mariadb-subject': {'title': 'MariaDB, REQUIRE SUBJECT ... AND ISSUER ...: this client only',
                     'attempts': [{'server': 'MariaDB 10.11.19-MariaDB-0+deb12u1-log (its TLS library: OpenSSL '
                                             '3.0.22 25 Aug 2026)',
                                   'setting': "CREATE OR REPLACE USER 'this_client'@'%' REQUIRE SUBJECT "
                                              "'/C=FR/O=pkilesson/CN=client.localhost' AND ISSUER "
                                              "'/C=FR/O=pkilesson/CN=pkilesson Root CA'",
                                   'client': 'the mariadb command (mariadb Ver 15.1 Distrib 10.11.19-MariaDB)',
                                   'scenario': 'your client (client-cert.pem)',
                                   'command': 'mariadb --no-defaults --protocol=TCP -h 127.0.0.1 -P PORT -u '
                                              'this_client --ssl-ca=ca-cert.pem --ssl-cert=client-cert.pem '
                                              '--ssl-key=client-key.pem --ssl-verify-server-cert --batch '
                                              "--skip-column-names -e 'SELECT CURRENT_USER(); SHOW STATUS LIKE "
                                              '"Ssl_version"\'',
                                   'accepted': True,
                                   'client_words': 'in, as this_client@%; Ssl_version TLSv1.3',
                                   'server_words': [['general log',
                                                     '8 Connect\tthis_client@127.0.0.1 on  using SSL/TLS']]},
                                  {'server': 'MariaDB 10.11.19-MariaDB-0+deb12u1-log (its TLS library: OpenSSL '
                                             '3.0.22 25 Aug 2026)',
                                   'setting': "CREATE OR REPLACE USER 'this_client'@'%' REQUIRE SUBJECT "
                                              "'/C=FR/O=pkilesson/CN=client.localhost' AND ISSUER "
                                              "'/C=FR/O=pkilesson/CN=pkilesson Root CA'",
                                   'client': 'the mariadb command (mariadb Ver 15.1 Distrib 10.11.19-MariaDB)',
                                   'scenario': 'the second client (second-client/)',
                                   'command': 'mariadb --no-defaults --protocol=TCP -h 127.0.0.1 -P PORT -u '
                                              'this_client --ssl-ca=ca-cert.pem '
                                              '--ssl-cert=second-client/client-cert.pem '
                                              '--ssl-key=second-client/client-key.pem --ssl-verify-server-cert '
                                              "--batch --skip-column-names -e 'SELECT CURRENT_USER(); SHOW STATUS "
                                              'LIKE "Ssl_version"\'',
                                   'accepted': False,
                                   'client_words': 'ERROR 1045 (28000): Access denied for user '
                                                   "'this_client'@'127.0.0.1' (using password: NO)",
                                   'server_words': [['general log',
                                                     '9 Connect\tthis_client@127.0.0.1 on  using SSL/TLS'],
                                                    ['general log',
                                                     "9 Connect\tAccess denied for user 'this_client'@'127.0.0.1' "
                                                     '(using password: NO)'],
                                                    ['error log',
                                                     '[Note] X509 subject mismatch: should be '
                                                     "'/C=FR/O=pkilesson/CN=client.localhost' but is "
                                                     "'/C=FR/O=pkilesson/CN=second.localhost'"],
                                                    ['error log',
                                                     "[Warning] Access denied for user 'this_client'@'127.0.0.1' "
                                                     '(using password: NO)']]}]},
 'mariadb-source': {'title': "MariaDB, the source's own files: its server's and its client's certificates",
                    'attempts': [{'server': 'MariaDB 10.11.19-MariaDB-0+deb12u1-log (its TLS library: OpenSSL '
                                            '3.0.22 25 Aug 2026)',
                                  'setting': "CREATE OR REPLACE USER 'source_client'@'%' REQUIRE SUBJECT "
                                             "'/C=FR/O=Lab/CN=client' AND ISSUER '/C=FR/O=Lab/CN=Lab CA'",
                                  'client': 'the mariadb command (mariadb Ver 15.1 Distrib 10.11.19-MariaDB)',
                                  'scenario': "the source's client, connecting to the name localhost",
                                  'command': 'mariadb --no-defaults --protocol=TCP -h localhost -P PORT -u '
                                             'source_client --ssl-ca=ca-cert.pem --ssl-cert=client-cert.pem '
                                             '--ssl-key=client-key.pem --ssl-verify-server-cert --batch '
                                             "--skip-column-names -e 'SELECT CURRENT_USER(); SHOW STATUS LIKE "
                                             '"Ssl_version"\'',
                                  'accepted': True,
                                  'client_words': 'in, as source_client@%; Ssl_version TLSv1.3',
                                  'server_words': [['general log',
                                                    '8 Connect\tsource_client@127.0.0.1 on  using SSL/TLS']]},
                                 {'server': 'MariaDB 10.11.19-MariaDB-0+deb12u1-log (its TLS library: OpenSSL '
                                            '3.0.22 25 Aug 2026)',
                                  'setting': "CREATE OR REPLACE USER 'source_client'@'%' REQUIRE SUBJECT "
                                             "'/C=FR/O=Lab/CN=client' AND ISSUER '/C=FR/O=Lab/CN=Lab CA'",
                                  'client': 'the mariadb command (mariadb Ver 15.1 Distrib 10.11.19-MariaDB)',
                                  'scenario': "the source's client, connecting to the address 127.0.0.1",
                                  'command': 'mariadb --no-defaults --protocol=TCP -h 127.0.0.1 -P PORT -u '
                                             'source_client --ssl-ca=ca-cert.pem --ssl-cert=client-cert.pem '
                                             '--ssl-key=client-key.pem --ssl-verify-server-cert --batch '
                                             "--skip-column-names -e 'SELECT CURRENT_USER(); SHOW STATUS LIKE "
                                             '"Ssl_version"\'',
                                  'accepted': False,
                                  'client_words': 'ERROR 2026 (HY000): TLS/SSL error: Validation of SSL server '
                                                  'certificate failed',
                                  'server_words': [['error log',
                                                    "[Warning] Aborted connection 9 to db: 'unconnected' user: "
                                                    "'unauthenticated' host: '127.0.0.1' (This connection closed "
                                                    'normally without authentication)']]},
                                 {'server': 'MariaDB 10.11.19-MariaDB-0+deb12u1-log (its TLS library: OpenSSL '
                                            '3.0.22 25 Aug 2026)',
                                  'setting': "CREATE OR REPLACE USER 'source_client'@'%' REQUIRE SUBJECT "
                                             "'/C=FR/O=Lab/CN=client' AND ISSUER '/C=FR/O=Lab/CN=Lab CA'",
                                  'client': 'PyMySQL 1.2.4 (Python 3.11.7, its ssl module: OpenSSL 3.0.22 25 Aug '
                                            '2026)',
                                  'scenario': "the source's client with PyMySQL, to the name localhost",
                                  'command': "pymysql.connect(host='localhost', port=PORT, user='source_client', "
                                             "ssl_ca='ca-cert.pem', ssl_verify_cert=True, "
                                             "ssl_verify_identity=True, ssl_cert='client-cert.pem', "
                                             "ssl_key='client-key.pem')",
                                  'accepted': True,
                                  'client_words': 'in, as source_client@%; Ssl_version TLSv1.3',
                                  'server_words': [['general log',
                                                    '10 Connect\tsource_client@127.0.0.1 on  using SSL/TLS']]},
                                 {'server': 'MariaDB 10.11.19-MariaDB-0+deb12u1-log (its TLS library: OpenSSL '
                                            '3.0.22 25 Aug 2026)',
                                  'setting': "CREATE OR REPLACE USER 'source_client'@'%' REQUIRE SUBJECT "
                                             "'/C=FR/O=Lab/CN=client' AND ISSUER '/C=FR/O=Lab/CN=Lab CA'",
                                  'client': 'the mariadb command (mariadb Ver 15.1 Distrib 10.11.19-MariaDB)',
                                  'scenario': "the source's client, to 127.0.0.1, without --ssl-verify-server-cert",
                                  'command': 'mariadb --no-defaults --protocol=TCP -h 127.0.0.1 -P PORT -u '
                                             'source_client --ssl-ca=ca-cert.pem --ssl-cert=client-cert.pem '
                                             "--ssl-key=client-key.pem --batch --skip-column-names -e 'SELECT "
                                             'CURRENT_USER(); SHOW STATUS LIKE "Ssl_version"\'',
                                  'accepted': True,
                                  'client_words': 'in, as source_client@%; Ssl_version TLSv1.3',
                                  'server_words': [['general log',
                                                    '11 Connect\tsource_client@127.0.0.1 on  using SSL/TLS']]}]},
 'nginx-verify': {'title': "nginx, ssl_verify_client on: with and without a client certificate, curl and Python's "
                           'ssl',
                  'attempts': [{'server': 'nginx/1.22.1 (built with OpenSSL 3.0.22 25 Aug 2026)',
                                'setting': 'ssl_client_certificate ca-cert.pem; ssl_verify_client on;',
                                'client': 'curl 7.88.1 (OpenSSL/3.0.22)',
                                'scenario': 'your client (client-cert.pem), curl',
                                'command': 'curl --silent --show-error --cacert ca-cert.pem --cert client-cert.pem '
                                           '--key client-key.pem --resolve localhost:PORT:127.0.0.1 --write-out '
                                           "'\\nHTTP %{http_code}\\n' https://localhost:PORT/",
                                'accepted': True,
                                'client_words': 'HTTP 200; page: hello, CN=client.localhost,O=pkilesson,C=FR',
                                'server_words': [['access log',
                                                  '"GET / HTTP/1.1" 200 client_verify=SUCCESS '
                                                  'client_s_dn="CN=client.localhost,O=pkilesson,C=FR"']]},
                               {'server': 'nginx/1.22.1 (built with OpenSSL 3.0.22 25 Aug 2026)',
                                'setting': 'ssl_client_certificate ca-cert.pem; ssl_verify_client on;',
                                'client': 'curl 7.88.1 (OpenSSL/3.0.22)',
                                'scenario': 'no client certificate, curl',
                                'command': 'curl --silent --show-error --cacert ca-cert.pem --resolve '
                                           "localhost:PORT:127.0.0.1 --write-out '\\nHTTP %{http_code}\\n' "
                                           'https://localhost:PORT/',
                                'accepted': False,
                                'client_words': 'HTTP 400; page: 400 No required SSL certificate was sent',
                                'server_words': [['error log',
                                                  '[info] client sent no required SSL certificate while reading '
                                                  'client request headers, client: 127.0.0.1, server: localhost, '
                                                  'request: "GET / HTTP/1.1", host: "localhost:PORT"'],
                                                 ['access log',
                                                  '"GET / HTTP/1.1" 400 client_verify=NONE client_s_dn="-"']]},
                               {'server': 'nginx/1.22.1 (built with OpenSSL 3.0.22 25 Aug 2026)',
                                'setting': 'ssl_client_certificate ca-cert.pem; ssl_verify_client on;',
                                'client': 'curl 7.88.1 (OpenSSL/3.0.22)',
                                'scenario': 'a client of another CA (other-ca-client/), curl',
                                'command': 'curl --silent --show-error --cacert ca-cert.pem --cert '
                                           'other-ca-client/client-cert.pem --key other-ca-client/client-key.pem '
                                           "--resolve localhost:PORT:127.0.0.1 --write-out '\\nHTTP "
                                           "%{http_code}\\n' https://localhost:PORT/",
                                'accepted': False,
                                'client_words': 'HTTP 400; page: 400 The SSL certificate error',
                                'server_words': [['error log',
                                                  '[info] client SSL certificate verify error: (21:unable to '
                                                  'verify the first certificate) while reading client request '
                                                  'headers, client: 127.0.0.1, server: localhost, request: "GET / '
                                                  'HTTP/1.1", host: "localhost:PORT"'],
                                                 ['access log',
                                                  '"GET / HTTP/1.1" 400 client_verify=FAILED:unable to verify the '
                                                  'first certificate '
                                                  'client_s_dn="CN=mallory.localhost,O=Elsewhere,C=FR"']]},
                               {'server': 'nginx/1.22.1 (built with OpenSSL 3.0.22 25 Aug 2026)',
                                'setting': 'ssl_client_certificate ca-cert.pem; ssl_verify_client on;',
                                'client': "Python 3.11.7's ssl module (OpenSSL 3.0.22 25 Aug 2026)",
                                'scenario': "your client (client-cert.pem), Python's ssl",
                                'command': "ssl.create_default_context(cafile='ca-cert.pem'); "
                                           "context.load_cert_chain('client-cert.pem', 'client-key.pem'); GET "
                                           'https://localhost:PORT/ over it',
                                'accepted': True,
                                'client_words': 'HTTP/1.1 200 OK; page: hello, '
                                                'CN=client.localhost,O=pkilesson,C=FR',
                                'server_words': [['access log',
                                                  '"GET / HTTP/1.1" 200 client_verify=SUCCESS '
                                                  'client_s_dn="CN=client.localhost,O=pkilesson,C=FR"']]}]},
 'nginx-names': {'title': 'nginx, a map of the allowed subjects: the second client is verified, and refused',
                 'attempts': [{'server': 'nginx/1.22.1 (built with OpenSSL 3.0.22 25 Aug 2026)',
                               'setting': 'ssl_client_certificate ca-cert.pem; ssl_verify_client on; map '
                                          '$ssl_client_s_dn $allowed { default no; '
                                          '"CN=client.localhost,O=pkilesson,C=FR" yes; } if ($allowed = no) { '
                                          'return 403; }',
                               'client': 'curl 7.88.1 (OpenSSL/3.0.22)',
                               'scenario': 'your client (client-cert.pem)',
                               'command': 'curl --silent --show-error --cacert ca-cert.pem --cert client-cert.pem '
                                          '--key client-key.pem --resolve localhost:PORT:127.0.0.1 --write-out '
                                          "'\\nHTTP %{http_code}\\n' https://localhost:PORT/",
                               'accepted': True,
                               'client_words': 'HTTP 200; page: hello, CN=client.localhost,O=pkilesson,C=FR',
                               'server_words': [['access log',
                                                 '"GET / HTTP/1.1" 200 client_verify=SUCCESS '
                                                 'client_s_dn="CN=client.localhost,O=pkilesson,C=FR"']]},
                              {'server': 'nginx/1.22.1 (built with OpenSSL 3.0.22 25 Aug 2026)',
                               'setting': 'ssl_client_certificate ca-cert.pem; ssl_verify_client on; map '
                                          '$ssl_client_s_dn $allowed { default no; '
                                          '"CN=client.localhost,O=pkilesson,C=FR" yes; } if ($allowed = no) { '
                                          'return 403; }',
                               'client': 'curl 7.88.1 (OpenSSL/3.0.22)',
                               'scenario': 'the second client (second-client/)',
                               'command': 'curl --silent --show-error --cacert ca-cert.pem --cert '
                                          'second-client/client-cert.pem --key second-client/client-key.pem '
                                          "--resolve localhost:PORT:127.0.0.1 --write-out '\\nHTTP "
                                          "%{http_code}\\n' https://localhost:PORT/",
                               'accepted': False,
                               'client_words': 'HTTP 403; page: 403 Forbidden',
                               'server_words': [['access log',
                                                 '"GET / HTTP/1.1" 403 client_verify=SUCCESS '
                                                 'client_s_dn="CN=second.localhost,O=pkilesson,C=FR"']]}]},
 'nginx-before-crl': {'title': 'nginx, both clients on the list, no CRL loaded',
                      'attempts': [{'server': 'nginx/1.22.1 (built with OpenSSL 3.0.22 25 Aug 2026)',
                                    'setting': 'ssl_client_certificate ca-cert.pem; ssl_verify_client on; map '
                                               '$ssl_client_s_dn $allowed { default no; '
                                               '"CN=client.localhost,O=pkilesson,C=FR" yes; '
                                               '"CN=second.localhost,O=pkilesson,C=FR" yes; } if ($allowed = no) { '
                                               'return 403; }',
                                    'client': 'curl 7.88.1 (OpenSSL/3.0.22)',
                                    'scenario': 'your client (client-cert.pem)',
                                    'command': 'curl --silent --show-error --cacert ca-cert.pem --cert '
                                               'client-cert.pem --key client-key.pem --resolve '
                                               "localhost:PORT:127.0.0.1 --write-out '\\nHTTP %{http_code}\\n' "
                                               'https://localhost:PORT/',
                                    'accepted': True,
                                    'client_words': 'HTTP 200; page: hello, CN=client.localhost,O=pkilesson,C=FR',
                                    'server_words': [['access log',
                                                      '"GET / HTTP/1.1" 200 client_verify=SUCCESS '
                                                      'client_s_dn="CN=client.localhost,O=pkilesson,C=FR"']]},
                                   {'server': 'nginx/1.22.1 (built with OpenSSL 3.0.22 25 Aug 2026)',
                                    'setting': 'ssl_client_certificate ca-cert.pem; ssl_verify_client on; map '
                                               '$ssl_client_s_dn $allowed { default no; '
                                               '"CN=client.localhost,O=pkilesson,C=FR" yes; '
                                               '"CN=second.localhost,O=pkilesson,C=FR" yes; } if ($allowed = no) { '
                                               'return 403; }',
                                    'client': 'curl 7.88.1 (OpenSSL/3.0.22)',
                                    'scenario': 'the second client (second-client/)',
                                    'command': 'curl --silent --show-error --cacert ca-cert.pem --cert '
                                               'second-client/client-cert.pem --key second-client/client-key.pem '
                                               "--resolve localhost:PORT:127.0.0.1 --write-out '\\nHTTP "
                                               "%{http_code}\\n' https://localhost:PORT/",
                                    'accepted': True,
                                    'client_words': 'HTTP 200; page: hello, CN=second.localhost,O=pkilesson,C=FR',
                                    'server_words': [['access log',
                                                      '"GET / HTTP/1.1" 200 client_verify=SUCCESS '
                                                      'client_s_dn="CN=second.localhost,O=pkilesson,C=FR"']]}]},
 'nginx-crl': {'title': "nginx, both clients on the list, and ssl_crl with the CA's CRL",
               'attempts': [{'server': 'nginx/1.22.1 (built with OpenSSL 3.0.22 25 Aug 2026)',
                             'setting': 'ssl_client_certificate ca-cert.pem; ssl_verify_client on; ssl_crl '
                                        'ca-crl.pem; map $ssl_client_s_dn $allowed { default no; '
                                        '"CN=client.localhost,O=pkilesson,C=FR" yes; '
                                        '"CN=second.localhost,O=pkilesson,C=FR" yes; } if ($allowed = no) { return '
                                        '403; }',
                             'client': 'curl 7.88.1 (OpenSSL/3.0.22)',
                             'scenario': 'your client (client-cert.pem)',
                             'command': 'curl --silent --show-error --cacert ca-cert.pem --cert client-cert.pem '
                                        '--key client-key.pem --resolve localhost:PORT:127.0.0.1 --write-out '
                                        "'\\nHTTP %{http_code}\\n' https://localhost:PORT/",
                             'accepted': True,
                             'client_words': 'HTTP 200; page: hello, CN=client.localhost,O=pkilesson,C=FR',
                             'server_words': [['access log',
                                               '"GET / HTTP/1.1" 200 client_verify=SUCCESS '
                                               'client_s_dn="CN=client.localhost,O=pkilesson,C=FR"']]},
                            {'server': 'nginx/1.22.1 (built with OpenSSL 3.0.22 25 Aug 2026)',
                             'setting': 'ssl_client_certificate ca-cert.pem; ssl_verify_client on; ssl_crl '
                                        'ca-crl.pem; map $ssl_client_s_dn $allowed { default no; '
                                        '"CN=client.localhost,O=pkilesson,C=FR" yes; '
                                        '"CN=second.localhost,O=pkilesson,C=FR" yes; } if ($allowed = no) { return '
                                        '403; }',
                             'client': 'curl 7.88.1 (OpenSSL/3.0.22)',
                             'scenario': 'the second client (second-client/)',
                             'command': 'curl --silent --show-error --cacert ca-cert.pem --cert '
                                        'second-client/client-cert.pem --key second-client/client-key.pem '
                                        "--resolve localhost:PORT:127.0.0.1 --write-out '\\nHTTP %{http_code}\\n' "
                                        'https://localhost:PORT/',
                             'accepted': False,
                             'client_words': 'HTTP 400; page: 400 The SSL certificate error',
                             'server_words': [['error log',
                                               '[info] client SSL certificate verify error: (23:certificate '
                                               'revoked) while reading client request headers, client: 127.0.0.1, '
                                               'server: localhost, request: "GET / HTTP/1.1", host: '
                                               '"localhost:PORT"'],
                                              ['access log',
                                               '"GET / HTTP/1.1" 400 client_verify=FAILED:certificate revoked '
                                               'client_s_dn="CN=second.localhost,O=pkilesson,C=FR"']]}]}}
