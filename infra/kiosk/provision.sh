#!/bin/sh
# Turns a fresh Debian 12 (bookworm) minimal install into the totem image: power and network are all
# it needs afterwards (seed 001 3.2.15.14). Run once as root: sh provision.sh <host> [path]
#   host: the utility's host (agencia.saae.example.gov.br); path: /totem/ (default) or
#   /senhas/emitir/<unidade>/ for a ticket totem.
set -eu
HOST="${1:?informe o host da concessionária}"
PATH_ON_HOST="${2:-/totem/}"
HERE="$(cd "$(dirname "$0")" && pwd)"

apt-get update
apt-get install -y --no-install-recommends cage chromium fonts-dejavu cups unattended-upgrades \
  network-manager
# the kiosk user: no password, no sudo, no shell login
id totem >/dev/null 2>&1 || useradd --create-home --shell /usr/sbin/nologin totem
passwd --lock totem

install -d /etc/manancial /etc/chromium/policies/managed
printf 'TOTEM_URL=https://%s%s\n' "$HOST" "$PATH_ON_HOST" > /etc/manancial/totem.env
sed "s/TOTEM_HOST/$HOST/g" "$HERE/chromium-policy.json" > /etc/chromium/policies/managed/totem.json
install -m 0755 "$HERE/totem-browser" /usr/local/bin/totem-browser
install -m 0644 "$HERE/totem-kiosk.service" /etc/systemd/system/totem-kiosk.service
install -m 0644 "$HERE/50totem-unattended-upgrades" /etc/apt/apt.conf.d/50totem-unattended-upgrades

# no other console to escape to: no getty on the other virtual terminals, no Ctrl+Alt+Del reboot,
# no SysRq, and the boot menu is not shown
sed -i 's/^#\?NAutoVTs=.*/NAutoVTs=0/; s/^#\?ReserveVT=.*/ReserveVT=0/' /etc/systemd/logind.conf
systemctl mask ctrl-alt-del.target
echo 'kernel.sysrq = 0' > /etc/sysctl.d/90-totem.conf
if [ -f /etc/default/grub ]; then
  sed -i 's/^GRUB_TIMEOUT=.*/GRUB_TIMEOUT=0/' /etc/default/grub
  update-grub
fi
# the network comes back by itself (NetworkManager reconnects Wi-Fi and cable); the page shows
# "Sem conexão" meanwhile and reloads when the heartbeat answers again
systemctl enable NetworkManager
systemctl set-default graphical.target
systemctl enable totem-kiosk.service
echo "Totem pronto: reinicie (o Chromium abre em https://$HOST$PATH_ON_HOST)."
