complete -c mqpub -s h -l host -d 'broker to connect to (default: localhost)' -r -f -a "(__fish_print_hostnames)"
complete -c mqpub -s p -l port -d 'broker port (default: 1883, or 8883 when --cafile, --capath or --psk is given)' -r
complete -c mqpub -l unix -d 'connect through the broker\'s unix socket instead of TCP' -r -F
complete -c mqpub -s L -l url -d 'broker, credentials and topic in one go; mqtts:// means TLS, ws:// and wss:// websockets (plain and TLS)' -r -f
complete -c mqpub -s A -d 'local address to connect from, which picks the network interface' -r
complete -c mqpub -l proxy -d 'go through a SOCKS5 proxy: socks5h://[user[:password]@]host[:port] (the proxy looks the broker\'s name up; port 1080 by default)' -r -f
complete -c mqpub -s k -l keepalive -d 'seconds between keepalive pings, 5 to 65535 (default: 60)' -r
complete -c mqpub -l reconnect-timeout -d 'after losing an established connection, give up (exit 7) once this many seconds pass without getting it back; 0 gives up at once (default: keep trying for ever)' -r
complete -c mqpub -s V -l protocol-version -d 'MQTT version: mqttv311 or 311 (the default), mqttv5 or 5' -r -f -a "mqttv311\t''
mqttv5\t''
311\t''
5\t''"
complete -c mqpub -s u -l username -d 'user name to log in with' -r
complete -c mqpub -s P -l pw -d 'password to log in with' -r
complete -c mqpub -l pw-file -d 'read the password from the first line of this file' -r -F
complete -c mqpub -l cafile -d 'trust the CA certificates in this PEM file; turns TLS on' -r -F
complete -c mqpub -l capath -d 'trust the CA certificates in this directory; turns TLS on' -r -f -a "(__fish_complete_directories)"
complete -c mqpub -l cert -d 'client certificate (PEM) to prove who we are; needs --key' -r -F
complete -c mqpub -l key -d 'private key of the client certificate (PEM)' -r -F
complete -c mqpub -l keyform -d 'format of the key; only pem is supported' -r -f -a "pem\t''"
complete -c mqpub -l tls-version -d 'tlsv1.2 or tlsv1.3 (default: either)' -r -f -a "tlsv1.2\t''
tlsv1.3\t''"
complete -c mqpub -l ciphers -d 'cipher suites to allow, separated by colons' -r
complete -c mqpub -l tls-alpn -d 'ALPN protocol name to offer to the broker' -r
complete -c mqpub -l tls-keylog -d 'append the TLS session secrets to this file, so a packet analyser can decrypt the traffic' -r -F
complete -c mqpub -l psk -d 'pre-shared key in hexadecimal (without 0x): TLS-PSK instead of certificates' -r
complete -c mqpub -l psk-identity -d 'identity to present with --psk' -r
complete -c mqpub -l tls-engine -d 'accepted for compatibility; hardware TLS engines are not supported, so any engine is refused' -r
complete -c mqpub -l tls-engine-kpass-sha1 -d 'accepted for compatibility, with --tls-engine' -r
complete -c mqpub -l will-topic -d 'topic of the will' -r
complete -c mqpub -l will-payload -d 'its payload (default: empty)' -r
complete -c mqpub -l will-qos -d 'its quality of service, 0, 1 or 2 (default: 0)' -r -f -a "0\t''
1\t''
2\t''"
complete -c mqpub -s t -l topic -d 'topic to publish on (no + or # wildcards)' -r
complete -c mqpub -s m -l message -d 'publish this text' -r
complete -c mqpub -s f -l file -d 'publish the whole file as one message' -r -F
complete -c mqpub -s q -l qos -d 'quality of service, 0, 1 or 2 (default: 0)' -r -f -a "0\t''
1\t''
2\t''"
complete -c mqpub -l repeat -d 'publish the message (-m, -f, -s or -n) this many times' -r
complete -c mqpub -l repeat-delay -d 'wait this long between repeats (fractions allowed; default: 0)' -r
complete -c mqpub -s i -l id -d 'client id (default: one chosen by the broker)' -r
complete -c mqpub -s I -l id-prefix -d 'client id made of this prefix and the process id' -r
complete -c mqpub -s x -d 'MQTT 5: seconds the session outlives the connection; -1 or ∞ for ever' -r
complete -c mqpub -s M -d 'most QoS 1 and 2 messages in flight at once (default: 256 at QoS 1, 20 at QoS 2; never more than the broker allows)' -r
complete -c mqpub -s D -l property -d 'MQTT 5 property for a packet, e.g. -D publish content-type text/plain or -D connect user-property key value' -r
complete -c mqpub -s o -d 'read options from this file, one per line, before the command line' -r -F
complete -c mqpub -l ws -d 'speak MQTT inside websocket frames (on the path /mqtt)'
complete -c mqpub -l nodelay -d 'send small packets at once instead of letting the kernel gather them (no Nagle delay)'
complete -c mqpub -l tls-use-os-certs -d 'trust the operating system\'s CA certificates; turns TLS on'
complete -c mqpub -l insecure -d 'do not check the broker\'s certificate or host name'
complete -c mqpub -l no-tls -d 'no TLS at all, whatever the other options say'
complete -c mqpub -l will-retain -d 'make the will a retained message'
complete -c mqpub -s s -l stdin-file -d 'publish all of standard input as one message'
complete -c mqpub -s l -l stdin-line -d 'publish each line of standard input as a message of its own, as soon as the line is complete'
complete -c mqpub -s n -l null-message -d 'publish an empty message (with -r: clear the topic\'s retained message)'
complete -c mqpub -s r -l retain -d 'ask the broker to keep the message for future subscribers'
complete -c mqpub -s c -l disable-clean-session -d 'keep the session (subscriptions, queued messages) after disconnecting; needs -i'
complete -c mqpub -s d -l debug -d 'print the MQTT packets sent and received on stderr'
complete -c mqpub -l quiet -d 'print no error or warning messages'
complete -c mqpub -l help -d 'print this text'
complete -c mqpub -l version -d 'print the version'
