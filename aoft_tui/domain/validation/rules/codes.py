"""Every problem code the validator can report, with its severity and a short title.

One table, so the CLI, the screen, the JSON schema and the tests agree on what a code
means. Errors block training (Azure would reject the file or fail the job); warnings
point at data that trains, but probably not the way the user meant.
"""

from __future__ import annotations

ERROR = "error"
WARNING = "warning"

CODES: dict[str, tuple[str, str]] = {
    # reading the file
    "empty_file": (ERROR, "The file has no examples"),
    "utf16_file": (ERROR, "The file is UTF-16/UTF-32, not UTF-8"),
    "binary_file": (ERROR, "The file is binary, not JSON Lines text"),
    "not_utf8": (ERROR, "A line is not valid UTF-8"),
    "blank_line": (WARNING, "Blank line"),
    "invalid_json": (ERROR, "A line is not valid JSON"),
    "truncated_last_line": (ERROR, "The last line is cut off"),
    "line_too_long": (ERROR, "A line is longer than any example Azure accepts"),
    "not_an_object": (ERROR, "A line is JSON but not an object"),
    "unchecked_record": (ERROR, "A record the validator could not check (a bug)"),
    # format of the file
    "unknown_format": (ERROR, "A record matches no training format"),
    "mixed_formats": (ERROR, "Records of different formats in one file"),
    "wrong_format_for_method": (ERROR, "The records do not fit the training method"),
    "method_not_supported": (ERROR, "The model cannot be trained with this method"),
    "unknown_model": (WARNING, "Unknown model"),
    "unknown_top_level_key": (WARNING, "Unexpected key in a record"),
    # chat messages
    "messages_not_list": (ERROR, "`messages` is not a list"),
    "empty_messages": (ERROR, "`messages` is empty"),
    "message_not_object": (ERROR, "A message is not an object"),
    "missing_role": (ERROR, "A message has no role"),
    "unknown_role": (ERROR, "A message has an unknown role"),
    "missing_content": (ERROR, "A message has no content"),
    "null_content": (ERROR, "A message's content is null"),
    "invalid_content": (ERROR, "A message's content is neither text nor a list of parts"),
    "invalid_content_part": (ERROR, "A content part is malformed"),
    "unknown_message_key": (WARNING, "Unexpected key in a message"),
    "invalid_name": (ERROR, "A message's name is not a string"),
    "invalid_weight": (ERROR, "A weight is not 0 or 1"),
    "weight_not_assistant": (ERROR, "A weight on a non-assistant message"),
    "no_assistant_message": (ERROR, "An example has no assistant message"),
    "no_trained_assistant": (ERROR, "Every assistant message has weight 0"),
    "empty_assistant": (WARNING, "An assistant message is empty"),
    "special_token": (ERROR, "Text spells a special token of the model's tokenizer"),
    "special_token_text": (WARNING, "Special-token-like text in content"),
    # tools and functions
    "invalid_tools": (ERROR, "`tools` is malformed"),
    "invalid_tool_calls": (ERROR, "`tool_calls` is malformed"),
    "tool_calls_not_assistant": (ERROR, "`tool_calls` on a non-assistant message"),
    "tool_arguments_not_json": (ERROR, "Tool-call arguments are not a JSON string"),
    "missing_tool_call_id": (ERROR, "A tool message has no tool_call_id"),
    "unknown_tool_call_id": (ERROR, "A tool message answers an unknown tool call"),
    "undeclared_tool": (WARNING, "A call to a tool that `tools` does not declare"),
    "invalid_functions": (ERROR, "`functions` is malformed"),
    "invalid_function_call": (ERROR, "`function_call` is malformed"),
    # images
    "image_in_assistant": (ERROR, "An image in an assistant message"),
    "invalid_image_url": (ERROR, "An image URL is neither https nor a data URI"),
    "unsupported_image_format": (ERROR, "An image is not JPEG, PNG or WEBP"),
    "image_too_large": (ERROR, "An image is over 10 MB"),
    "invalid_image_detail": (ERROR, "An image detail is not low, high or auto"),
    "too_many_images": (ERROR, "Too many images in one example"),
    "too_many_image_examples": (ERROR, "Too many examples with images"),
    "images_may_be_dropped": (WARNING, "Examples the service may drop after screening their images"),
    # DPO
    "invalid_dpo_input": (ERROR, "DPO `input` is malformed"),
    "invalid_dpo_output": (ERROR, "A DPO output is malformed"),
    "dpo_output_role": (ERROR, "A DPO output has a non-assistant, non-tool message"),
    "dpo_output_no_assistant": (ERROR, "A DPO output has no assistant message"),
    "dpo_identical_outputs": (WARNING, "Preferred and non-preferred outputs are the same"),
    # reinforcement
    "rft_last_not_user": (ERROR, "A reinforcement example does not end with a user message"),
    # legacy prompt / completion
    "invalid_prompt_completion": (ERROR, "`prompt` / `completion` is malformed"),
    "empty_completion": (WARNING, "An empty completion"),
    # whole-file statistics
    "too_few_examples": (ERROR, "Fewer than 10 examples"),
    "over_context": (WARNING, "An example is longer than the model's training context"),
    "duplicate_example": (WARNING, "An exact duplicate of an earlier example"),
    "train_valid_overlap": (WARNING, "An example is in both the training and validation files"),
    "needs_uploads_api": (WARNING, "The file is over the Files API's 512 MB"),
}


def severity_of(code: str) -> str:
    return CODES[code][0]


def title_of(code: str) -> str:
    return CODES[code][1]
