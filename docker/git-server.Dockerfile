# A small git server for patchbay's remote domains: git daemon with pushes enabled, serving /srv/git.
# Pushes are unauthenticated: keep it on the compose network, never on a public port.
FROM alpine:3.20
RUN apk add --no-cache git git-daemon
COPY docker/cluster/seed-repos.sh /usr/local/bin/seed-repos
RUN chmod +x /usr/local/bin/seed-repos
VOLUME /srv/git
EXPOSE 9418
CMD ["sh", "-c", "seed-repos /srv/git app && exec git daemon --reuseaddr --export-all --enable=receive-pack --base-path=/srv/git /srv/git"]
