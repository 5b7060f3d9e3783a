/**
 * Marks `nsnet sandbox` leaves on what it builds to stand for the world outside the machine
 * (src/exec/sandbox.ts): each declared uplink is a veth whose host end carries
 * SANDBOX_UPLINK_ALIAS, its far end in namespace `lan`, whose `lo` carries SANDBOX_LAN_ALIAS.
 * Kernel-visible, so `nsnet show` run inside the sandbox (another process) sees them and
 * prints that world as the script said it — `uplink IF`, no `ns lan` — and its output
 * rebuilds in a fresh sandbox (docs: README "Seeing your network"). Neither begins with
 * `nsnet:`: no project ever owns them.
 */
export const SANDBOX_UPLINK_ALIAS = "nsnet-sandbox:uplink";
export const SANDBOX_LAN_ALIAS = "nsnet-sandbox:lan";
