# Shared by bench/portal.sh and bench/distinct.sh (sourced, not run).

# static_nginx CONF WORK PORT: nginx serving WORK/static on 127.0.0.1:PORT, the page every ratio is
# taken against. Writes CONF (pid file and error log in WORK) and starts nginx, stopping one an
# earlier run left behind; stop it with `nginx -c CONF -s stop`.
static_nginx() {
  local conf=$1 work=$2 port=$3
  cat >"$conf" <<CONF
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  default_type text/html;
  server { listen 127.0.0.1:$port; root $work/static; }
}
CONF
  [ ! -f "$work/nginx.pid" ] || nginx -c "$conf" -s stop 2>/dev/null || true
  nginx -c "$conf"
}
