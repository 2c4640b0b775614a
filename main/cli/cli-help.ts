/**
 * What `kizuna --help` and `kizuna COMMAND --help` print. Plain text only: printing help must not
 * load the engine, grpc or MLS.
 */

const GLOBAL = `global options (every command; KIZUNA_* variables in brackets):
  --data-dir DIR        the profile folder [KIZUNA_DATA_DIR] (default ~/.local/share/kizuna/cli)
  --node ENDPOINT       SLIM node: 127.0.0.1:PORT or unix:///path [KIZUNA_NODE] (default: the embedded node)
  --node-auth USER:PASS Basic auth for the node [KIZUNA_NODE_AUTH]
  --key-file FILE       the key that opens the profile [KIZUNA_KEY_FILE] (default DIR/local.key, owner-only,
                        made only for a new profile; the same for \`kizuna web\`; KIZUNA_PASSPHRASE instead
                        protects the profile with a passphrase)
  --log-level LEVEL     debug, info, warn or error [KIZUNA_LOG_LEVEL] (default warn)
  --accept-unverified   invite by SLIM name even when no identity token or accepted contact card
                        verifies who answered [KIZUNA_ACCEPT_UNVERIFIED=1] (default: refused, DISCOVERY_UNVERIFIED)
  -h, --help            this help; \`kizuna COMMAND --help\` for one command's
identity tokens (seed 000): --jwt-path --jwks-path --jwt-key-file --jwt-issuer --jwt-subject --jwt-audience
                            --shared-secret --shared-secret-id --token-key-binding --token-clock-skew`;

/** One entry per command: its synopsis and options. */
export const COMMAND_HELP: Record<string, string> = {
  identity: `kizuna identity create --name NAME [--slim-name org/ns/agent]   create this profile's identity
kizuna identity show                                             user id, name and SLIM name
kizuna identity card                                             the contact card to give others
  show and card never create a profile.`,
  contact: `kizuna contact add CARD        add someone from their contact card
kizuna contact list            your contacts
kizuna contact blocked         people you blocked
kizuna contact remove ID       forget a contact
kizuna contact block ID|CARD   block someone
kizuna contact unblock ID      unblock them
kizuna contact verify ID [--match NUMBER]
                               the safety number you and this contact compare (the same on both
                               sides, 12 groups of 5 digits); with --match (their number, or the
                               text of their QR code), marks them verified if it is the same
kizuna contact unverify ID     remove the verified mark
  \`kizuna contacts …\` is the same command.`,
  group: `kizuna group list                                   your groups (offline)
kizuna group invitations                            invitations waiting for you (offline)
kizuna group create --name NAME --members a,b [--mode mls|sealed|none]
                                                    members by SLIM name (org/ns/agent, looked up on the node) or user id
kizuna group create --direct --members WHO [--mode …]  a one-to-one chat with one contact
kizuna group invite GROUP WHO[,WHO…]                invite people (SLIM names or user ids)
kizuna group remove GROUP WHO[,WHO…]                remove members (admin)
kizuna group rename GROUP NAME                      rename (admin)
kizuna group accept GROUP | decline GROUP           answer an invitation
kizuna group leave GROUP | delete GROUP             leave, or delete for everyone (admin)
kizuna group send GROUP TEXT                        send a message
kizuna group history GROUP [--limit N]              the last N messages (default 50, offline)
  --mode        mls (default), sealed or none`,
  moderator: `kizuna moderator --local org/ns/me --invites org/ns/bob,org/ns/carol [options]
  seed 000's moderator: creates a channel, invites the participants, then prints what arrives and
  publishes each line typed (or --message once).
  --local NAME         this profile's SLIM name (created on first run)
  --invites A,B        SLIM names to invite (at least two)
  --channel NAME       channel name (default agntcy/namespace/group_channel)
  --enable-mls         MLS encryption (same as --mode mls)
  --mode MODE          mls, sealed or none (default none, or mls with --enable-mls)
  --message TEXT       publish TEXT once everyone has joined
  --stop-after N       exit after receiving N messages
  --max-retries N      resend attempts per message before it is reported failed (0–100)
  --timeout SECONDS    how long to wait for each acknowledgement (1–600), kept with the group
  --shared-secret S    SLIM's own session protocol, with apps of the official SLIM bindings
                       (one invitee is enough; --protocol kizuna keeps Kizuna groups with shared-secret tokens)
  --protocol kizuna    Kizuna groups even with --shared-secret`,
  participant: `kizuna participant --local org/ns/me [options]
  seed 000's participant: waits for an invitation, joins, prints what arrives and publishes each
  line typed (or --message once).
  --local NAME         this profile's SLIM name (created on first run)
  --message TEXT       publish TEXT once joined
  --stop-after N       exit after receiving N messages
  --shared-secret S    SLIM's own session protocol, with apps of the official SLIM bindings
                       (one invitee is enough; --protocol kizuna keeps Kizuna groups with shared-secret tokens)
  --protocol kizuna    Kizuna groups even with --shared-secret`,
  chat: `kizuna chat WHO [--mode mls|sealed|none] [--message TEXT] [--stop-after N]
  a one-to-one chat with a contact (WHO: their name, SLIM name or user id; add their card first).
  Joins their chat if they started one, else starts it; prints the recent history and everything
  that arrives, and sends each line typed (or --message once).
  --mode MODE          mls, sealed or none (default: their waiting chat's mode, else mls)
  --message TEXT       send TEXT once
  --stop-after N       exit after receiving N messages`,
  listen: `kizuna listen [--accept]
  prints everything that arrives (messages, files, replies, invitations, group changes, delivery
  failures, messages retracted by a removal's cutoff) until Ctrl+C.
  --accept             join every invitation`,
  node: `kizuna node [--endpoint 127.0.0.1:46357|unix:///path] [options] [GROUP…]
  a SLIM node in the foreground (stopped by Ctrl+C).
  --endpoint ADDR      where it listens (default 127.0.0.1:46357)
  --auth USER:PASS     require Basic auth
  --controller H:P     register with a controller, as --node-id ID (default slim/0)
  --controller-auth F  token (and TLS CA) for an authenticated controller: {"token":"…","caFile":"ca.pem"} or the bare token
  --archive GROUP…     also run an archive peer storing those groups' ciphertext for catch-up`,
  controller: `kizuna controller [--host localhost] [--port 50051] [--local NAME] [--auth FILE]
  seed 000's control API with a moderator profile (in DIR/moderator) behind it.
  --auth FILE          {"principals":[{"identity","role":"operator"|"node","token"|"subject"}],"tls":{"certFile","keyFile"},
                        "jwt":{"keysFile","issuer","audience"}} (subject: a JWT's sub, e.g. a SPIFFE id); every call
                       then needs "authorization: Bearer TOKEN"; a host other than loopback requires it, with TLS`,
  web: `kizuna web [options]
  the Kizuna UI in a browser, served on 127.0.0.1; prints the address (it holds the access token).
  --data-dir DIR       profile folder [KIZUNA_DATA_DIR] (default <user data>/Kizuna/kizuna-web)
  --key-file FILE      key file [KIZUNA_KEY_FILE] (default DIR/local.key, as for every command; an old
                       DIR.key beside the folder, from earlier versions, is moved into it once)
  --port N             port [KIZUNA_WEB_PORT] (default: the port of the profile's last run, kept with its
                       token in DIR/web-host.json so open tabs reconnect after a restart; any free port
                       the first time; a taken port is an error, --port 0 picks a new one)
  --node ENDPOINT      SLIM node [KIZUNA_NODE] (default: the profile's settings)
  --offline            do not connect to SLIM (read and search the history)
  --renderer DIR       the built renderer (default dist/renderer, built first if missing)
  --no-build           never build the renderer`,
};

export const USAGE = `usage: kizuna <command> [options]

commands:
  identity    create | show | card
  contact     add | list | blocked | remove | block | unblock | verify | unverify
  group       list | invitations | create | invite | remove | rename | accept | decline | leave | delete | send | history
  moderator   seed 000's moderator: create a channel, invite, chat
  participant seed 000's participant: wait for an invitation, chat
  chat        a one-to-one chat with a contact
  listen      print everything that arrives
  node        run a SLIM node
  controller  run seed 000's controller with a moderator
  web         the UI in a browser on 127.0.0.1

${GLOBAL}`;

/** The help for one command (with the global options), or the overview. */
export function helpFor(command: string | undefined): string {
  const own = command === undefined ? undefined : COMMAND_HELP[command === 'contacts' ? 'contact' : command];
  return own === undefined ? USAGE : `${own}\n\n${GLOBAL}`;
}
