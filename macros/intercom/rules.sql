{#- SPEC rules shared by several models: what a part is, who wrote it, what it does; engine-neutral SQL. -#}

{#- SPEC §1 A: sender_type trimmed and lower-cased onto user / admin / bot (the loader rejects others);
    an author flagged as Intercom's AI agent is a bot whatever its type says. -#}
{% macro intercom_sender_type(column, ai_agent_flag=none) -%}
    case
        {% if ai_agent_flag is not none -%}
        when {{ ai_agent_flag }} then 'bot'
        {% endif -%}
        when lower(trim({{ column }})) in ('user', 'lead', 'contact') then 'user'
        when lower(trim({{ column }})) in ('admin', 'teammate', 'team') then 'admin'
        when lower(trim({{ column }})) = 'bot' then 'bot'
    end
{%- endmacro %}


{#- SPEC §1 A: part_type trimmed and lower-cased, empty meaning `comment`; export tools name the
    opening message `conversation_message`, which is the opening comment. -#}
{% macro intercom_part_type(column) -%}
    case
        when lower(trim({{ column }})) = 'conversation_message' then 'comment'
        else coalesce(nullif(lower(trim({{ column }})), ''), 'comment')
    end
{%- endmacro %}


{#- Part types that carry internal notes, never replies (SPEC §1 A). -#}
{% macro intercom_note_part_types() -%}
    ('note', 'note_and_reopen')
{%- endmacro %}


{#- Part types that reopen a closed conversation (SPEC §1 A, §4). -#}
{% macro intercom_reopen_part_types() -%}
    ('open', 'assign_and_reopen', 'note_and_reopen')
{%- endmacro %}


{#- Part types that wake a snoozed conversation (SPEC §1 A, §4). -#}
{% macro intercom_wake_part_types() -%}
    ('unsnoozed', 'timer_unsnooze', 'assign_and_unsnooze')
{%- endmacro %}


{#- Part types that assign the conversation (SPEC §1 A, §7): an owner row even when it names nobody. -#}
{% macro intercom_assignment_part_types() -%}
    ('assignment', 'default_assignment', 'away_mode_assignment', 'assign_and_reopen', 'assign_and_unsnooze')
{%- endmacro %}


{#- A part that someone can read (SPEC §1 A): a comment, or a part of another type that carries a
    non-empty body; notes never are. Over staged message columns (sender_type, part_type, has_body). -#}
{% macro is_visible_part() -%}
    (part_type = 'comment' or (coalesce(has_body, false) and part_type not in {{ intercom_note_part_types() }}))
{%- endmacro %}


{#- SPEC §1 A: a visible reply is a visible part by an admin. -#}
{% macro is_visible_reply() -%}
    (sender_type = 'admin' and {{ is_visible_part() }})
{%- endmacro %}


{#- SPEC §1 A: a customer message is a visible part by the customer side (a reply that reopens a
    closed or outbound conversation arrives as an `open` part with text). -#}
{% macro is_customer_message() -%}
    (sender_type = 'user' and {{ is_visible_part() }})
{%- endmacro %}


{#- SPEC §7: a bot part a customer can read first: a bot comment or a bot part with a body. -#}
{% macro is_bot_answer() -%}
    (sender_type = 'bot' and (part_type = 'comment' or coalesce(has_body, false)))
{%- endmacro %}


{#- SPEC §7: a close that is not a teammate's reply, whoever closes (a teammate without a body, a bot or
    a workflow); it ends a wait that no reply ends. -#}
{% macro is_close_without_reply() -%}
    (part_type = 'close' and not {{ is_visible_reply() }} and not {{ is_customer_message() }})
{%- endmacro %}


{#- SPEC §4: what a staged message does to the conversation's state: close, open (a reopen part),
    snooze, unsnooze (a wake part) or customer_message; null for everything else. -#}
{% macro intercom_state_event() -%}
    case
        when part_type = 'close' then 'close'
        when part_type in {{ intercom_reopen_part_types() }} then 'open'
        when part_type = 'snoozed' then 'snooze'
        when part_type in {{ intercom_wake_part_types() }} then 'unsnooze'
        when {{ is_customer_message() }} then 'customer_message'
    end
{%- endmacro %}


{#- The project variable for unanswered conversations (SPEC §3), checked so a typo fails loudly. -#}
{% macro unanswered_sla_status() -%}
    {%- set policy = var('unanswered_sla_status', 'breach') -%}
    {%- if policy not in ('breach', 'pending') -%}
        {{ exceptions.raise_compiler_error(
            "var unanswered_sla_status must be 'breach' or 'pending', got '" ~ policy ~ "'") }}
    {%- endif -%}
    {{ return(policy) }}
{%- endmacro %}


{#- The owner a wait is credited to (SPEC §7): the owner at breach for a breached wait, else the owner at
    its start. `kind` is `assignee` or `team`. -#}
{% macro wait_owner(kind) -%}
    case when status = 'breached' then {{ kind }}_at_breach else {{ kind }}_at_start end
{%- endmacro %}


{#- A first-response verdict (SPEC §3) from the elapsed seconds to the first response (null when
    unanswered) and the seconds waited at the data's as-of time, in one clock. -#}
{% macro sla_verdict(response_seconds, unanswered_seconds, threshold_seconds) -%}
    case
        when not in_first_response_scope then null
        when {{ response_seconds }} <= {{ threshold_seconds }} then 'met'
        when {{ response_seconds }} > {{ threshold_seconds }} then 'breached'
        {% if unanswered_sla_status() == 'pending' -%}
        when {{ unanswered_seconds }} <= {{ threshold_seconds }} then 'pending'
        {% endif -%}
        else 'breached'
    end
{%- endmacro %}
