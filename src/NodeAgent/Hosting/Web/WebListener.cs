using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace NodeAgent.Hosting.Web;

/// <summary>The listen address with the web configuration's TLS: each handshake takes the settings in force, so a
/// rotated certificate or a new client CA is used from the next connection on, without a restart.</summary>
internal static class WebListener
{
    public static void Configure(ListenOptions listen, WebSettingsSource? web)
    {
        if (web is not { Tls: true })
        {
            return;
        }

        // http_server_config.http2 (default true): offered through ALPN, as Go's server does over TLS.
        listen.Protocols = web.Http2 ? HttpProtocols.Http1AndHttp2 : HttpProtocols.Http1;
        listen.UseHttps(new TlsHandshakeCallbackOptions
        {
            OnConnection = _ => ValueTask.FromResult(web.Current.ServerOptions()),
            HandshakeTimeout = TimeSpan.FromSeconds(10),
        });
    }
}
