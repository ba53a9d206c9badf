package cli

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// writeCert writes a self-signed certificate for 127.0.0.1 with the given common name.
func writeCert(t *testing.T, dir, cn string) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	kder, err := x509.MarshalECPrivateKey(key)
	require.NoError(t, err)
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	require.NoError(t, os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600))
	require.NoError(t, os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600))
	return certFile, keyFile
}

// TLS on the public listener, minimum TLS 1.2, certificate reloaded on SIGHUP (§9.1).
func TestTLSAndReload(t *testing.T) {
	dir := t.TempDir()
	cert, key := writeCert(t, dir, "first")
	out := &lineWriter{lines: make(chan string, 16)}
	hup := make(chan os.Signal, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, []string{"--listen", "127.0.0.1:0", "--admin", "", "--tls-cert", cert, "--tls-key", key}, nil, out, io.Discard, hup)
	}()
	var addr string
	select {
	case l := <-out.lines:
		addr = strings.TrimPrefix(l, "listening ")
	case <-time.After(10 * time.Second):
		t.Fatal("no listener")
	}
	peerCN := func(maxVersion uint16) (string, error) {
		tr := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true, MaxVersion: maxVersion}}
		defer tr.CloseIdleConnections()
		resp, err := (&http.Client{Transport: tr, Timeout: 5 * time.Second}).Get("https://" + addr + "/")
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		return resp.TLS.PeerCertificates[0].Subject.CommonName, nil
	}
	cn, err := peerCN(0)
	require.NoError(t, err)
	assert.Equal(t, "first", cn)
	_, err = peerCN(tls.VersionTLS11)
	assert.Error(t, err, "TLS 1.1 refused")

	writeCert(t, dir, "second")
	hup <- syscall.SIGHUP
	require.Eventually(t, func() bool { cn, err := peerCN(0); return err == nil && cn == "second" }, 5*time.Second, 20*time.Millisecond)
	cancel()
	assert.Equal(t, 0, <-done)
}
