class UsersController < ApplicationController
  def index
    # ruleid: ruby-activerecord-sql-interpolation
    @users = User.where("name = '#{params[:name]}'")
    # ruleid: ruby-activerecord-sql-interpolation
    @sorted = User.order("#{params[:sort]} #{params[:dir]}")
    # ruleid: ruby-activerecord-sql-interpolation
    ActiveRecord::Base.connection.execute("DELETE FROM sessions WHERE user_id = #{id}")
    # ok: ruby-activerecord-sql-interpolation
    @users = User.where("name = ?", params[:name])
    # ok: ruby-activerecord-sql-interpolation
    @users = User.where(name: params[:name])
    # ok: ruby-activerecord-sql-interpolation
    rows = connection.exec_query("SHOW TABLE STATUS LIKE #{connection.quote(table_name)}")
    # ok: ruby-activerecord-sql-interpolation
    logger.info("found #{@users.size} users")
  end

  def shell(ref, file)
    # ruleid: ruby-shell-command-interpolation
    log = `git log #{ref}`
    # ruleid: ruby-shell-command-interpolation
    system("convert #{file} out.png")
    # ruleid: ruby-shell-command-interpolation
    out = %x(tar xf #{file})
    # ok: ruby-shell-command-interpolation
    system("git", "log", ref)
    # ok: ruby-shell-command-interpolation
    out, status = Open3.capture2("git", "log", ref)
    # ok: ruby-shell-command-interpolation
    # never call `rm -rf #{dir}` here
    # ruleid: ruby-shell-command-interpolation
    `sqlite3 #{flags} #{db} < "#{file}"`
    # ok: ruby-shell-command-interpolation
    message = "Unable to find a specification for `#{ref}`"
  end

  def dynamic(code)
    # ruleid: ruby-eval-dynamic
    eval(params[:expr])
    # ruleid: ruby-eval-dynamic
    result = instance_eval("#{code}.call")
    # ruleid: ruby-eval-dynamic
    eval code
    # ok: ruby-eval-dynamic
    config.instance_eval { setting :x }
    # ok: ruby-eval-dynamic
    path = File.absolute_path(eval_file)
    # ok: ruby-eval-dynamic
    class_eval do
      attr_reader :x
    end
    # ok: ruby-eval-dynamic
    builder.instance_eval(&block)
    # ok: ruby-eval-dynamic
    instance_exec(options, &etagger)
    # ok: ruby-eval-dynamic
    # eval(params[:x]) is never done here
    # ruleid: ruby-dynamic-dispatch-user-input
    @record.send(params[:field])
    # ruleid: ruby-dynamic-dispatch-user-input
    klass = params[:type].constantize
    # ok: ruby-dynamic-dispatch-user-input
    klass = { "csv" => CsvExport, "pdf" => PdfExport }.fetch(params[:type])
    # ok: ruby-dynamic-dispatch-user-input
    @record.public_send(:name)
  end

  def templates
    # ruleid: ruby-render-inline-template-injection
    render inline: params[:template]
    # ruleid: ruby-render-inline-template-injection
    render inline: "<h1>Hello #{params[:name]}</h1>"
    # ok: ruby-render-inline-template-injection
    render :show, locals: { name: params[:name] }
    # ok: ruby-render-inline-template-injection
    render inline: "<h1>Hello <%= name %></h1>", locals: { name: params[:name] }
  end

  def markup(comment)
    # ruleid: ruby-html-safe-or-raw-dynamic
    html = "<p>#{comment.body}</p>".html_safe
    # ruleid: ruby-html-safe-or-raw-dynamic
    bio = @user.bio.html_safe
    # ruleid: ruby-html-safe-or-raw-dynamic
    out = raw(comment.body)
    # ok: ruby-html-safe-or-raw-dynamic
    sep = "<br>".html_safe
    # ok: ruby-html-safe-or-raw-dynamic
    bio = sanitize(@user.bio, tags: %w[b i a]).html_safe
    # ok: ruby-html-safe-or-raw-dynamic
    out = content_tag(:p, comment.body)
    # ok: ruby-html-safe-or-raw-dynamic
    opts = raw_options.map { |o| o.to_sym }
    # ok: ruby-html-safe-or-raw-dynamic
    escaped = value unless value.html_safe?
    # ruleid: ruby-html-safe-or-raw-dynamic
    summary = comment.body.html_safe
    # ok: ruby-html-safe-or-raw-dynamic
    list = items.map { |i| h(i) }.join("<br>").html_safe
  end

  def directory(user, doc)
    # ruleid: ruby-ldap-xpath-interpolation
    filter = Net::LDAP::Filter.construct("(uid=#{user})")
    # ruleid: ruby-ldap-xpath-interpolation
    nodes = doc.xpath("//user[@name='#{user}']")
    # ok: ruby-ldap-xpath-interpolation
    filter = Net::LDAP::Filter.eq("uid", user)
    # ok: ruby-ldap-xpath-interpolation
    nodes = doc.xpath("//user[@name=$name]", nil, name: user)
    # ruleid: ruby-mongo-where-interpolation
    Post.where("$where" => "this.owner == '#{user}'")
    # ok: ruby-mongo-where-interpolation
    Post.where(owner: user.to_s)
  end

  def files
    # ruleid: ruby-path-traversal-params
    send_file "/srv/uploads/#{params[:name]}"
    # ruleid: ruby-path-traversal-params
    data = File.read(Rails.root.join("uploads", params[:file]))
    # ok: ruby-path-traversal-params
    # send_file(params[:path]) would let users read any file
    # ok: ruby-path-traversal-params
    send_file Rails.root.join("uploads", File.basename(params[:name]))
    # ruleid: ruby-ssrf-or-kernel-open-params
    body = URI.open(params[:url]).read
    # ruleid: ruby-ssrf-or-kernel-open-params
    body = open(params[:path]).read
    # ok: ruby-ssrf-or-kernel-open-params
    body = Net::HTTP.get(URI("https://api.example.com/status"))
  end

  def back
    # ruleid: ruby-open-redirect-params
    redirect_to params[:return_to]
    # ruleid: ruby-open-redirect-params
    redirect_to request.referer
    # ok: ruby-open-redirect-params
    redirect_to url_from(params[:return_to]) || root_path
    # ok: ruby-open-redirect-params
    redirect_to root_path
  end
end
