class SessionsController < ApplicationController
  def restore
    # ruleid: ruby-unsafe-deserialization
    state = Marshal.load(Base64.decode64(cookies[:state]))
    # ruleid: ruby-unsafe-deserialization
    cfg = YAML.unsafe_load(params[:config])
    # ok: ruby-unsafe-deserialization
    state = JSON.parse(cookies[:state])
    # ok: ruby-unsafe-deserialization
    cfg = YAML.safe_load(params[:config], permitted_classes: [Date])
  end

  def update
    # ruleid: ruby-mass-assignment-permit-all
    @user.update(params.require(:user).permit!)
    # ruleid: ruby-mass-assignment-permit-all
    @user.assign_attributes(params.to_unsafe_h)
    # ok: ruby-mass-assignment-permit-all
    #   params.permit! would allow every attribute
    # ok: ruby-mass-assignment-permit-all
    @user.update(params.require(:user).permit(:name, :email))
  end

  def fetch(uri)
    http = Net::HTTP.new(uri.host, uri.port)
    # ruleid: ruby-tls-verify-none
    http.verify_mode = OpenSSL::SSL::VERIFY_NONE
    # ruleid: ruby-tls-verify-none
    conn = Faraday.new(url: base, ssl: { verify: false })
    # ok: ruby-tls-verify-none
    http.verify_mode = OpenSSL::SSL::VERIFY_PEER
    # ok: ruby-tls-verify-none
    conn = Faraday.new(url: base, ssl: { ca_file: "/etc/ssl/internal-ca.pem" })
  end

  def hashing(password, body)
    # ruleid: ruby-weak-hash-for-password
    digest = Digest::MD5.hexdigest(password)
    # ok: ruby-weak-hash-for-password
    etag = Digest::MD5.hexdigest(body)
    # ok: ruby-weak-hash-for-password
    digest = BCrypt::Password.create(password)
  end

  def tokens
    # ruleid: ruby-insecure-random-for-secret
    reset_token = rand(36**32).to_s(36)
    # ruleid: ruby-insecure-random-for-secret
    api_key = ("a".."z").to_a.sample(32).join
    # ok: ruby-insecure-random-for-secret
    reset_token = SecureRandom.urlsafe_base64(32)
    # ok: ruby-insecure-random-for-secret
    delay = rand(5)
  end

  def ciphers
    # ruleid: ruby-weak-cipher
    cipher = OpenSSL::Cipher.new("des-ede3-cbc")
    # ruleid: ruby-weak-cipher
    cipher = OpenSSL::Cipher.new("aes-256-ecb")
    # ok: ruby-weak-cipher
    cipher = OpenSSL::Cipher.new("aes-256-gcm")
  end

  def jwt(token, key)
    # ruleid: ruby-jwt-verification-disabled
    payload, = JWT.decode(token, nil, false)
    # ruleid: ruby-jwt-verification-disabled
    token = JWT.encode(payload, nil, "none")
    # ok: ruby-jwt-verification-disabled
    payload, = JWT.decode(token, key, true, { algorithm: "HS256" })
  end

  def cookies_and_cors
    # ruleid: ruby-cookie-insecure-flags
    cookies[:remember] = { value: token, httponly: false, secure: true }
    # ok: ruby-cookie-insecure-flags
    cookies[:remember] = { value: token, httponly: true, secure: true, same_site: :lax }
    # ruleid: ruby-cors-reflects-origin
    response.headers["Access-Control-Allow-Origin"] = request.headers["Origin"]
    # ok: ruby-cors-reflects-origin
    response.headers["Access-Control-Allow-Origin"] = "https://app.example.com"
  end

  def parse(xml)
    # ruleid: ruby-xml-external-entities-enabled
    doc = Nokogiri::XML(xml) { |config| config.strict.noent }
    # ruleid: ruby-xml-external-entities-enabled
    doc = Nokogiri::XML(xml, nil, nil, Nokogiri::XML::ParseOptions::NOENT)
    # ok: ruby-xml-external-entities-enabled
    doc = Nokogiri::XML(xml) { |config| config.strict.nonet }
  end
end
