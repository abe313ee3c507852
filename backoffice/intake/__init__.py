"""The intake service: the built site, the forms behind signed links, receipts.

    app          create_app (the factory; BLUEPRINTS lists every part), serve (waitress)
    service      Intake, the state views share (current_intake()), and what a link binds
    form_routes  the form pages: GET through a link, POST checked and stored
    receipts     the receipt page, its meeting link, the thanks page of anonymous forms
    pages        render_page (any page in the site's frame) and the Swedish error pages
    shell        the one module that knows the theme's HTML (article, title, skip link, form markers)
    site         the built site's files
    security     CSP and security headers, the same-origin check
    posts        a post as a row, checked as batch validation checks it
    ratelimit    the sliding-window limiter for meeting-link posts
    links        signed links and tokens, the mail merge, meeting and demo links
"""
